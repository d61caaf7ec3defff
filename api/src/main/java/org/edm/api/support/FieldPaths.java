package org.edm.api.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bean Validation reports Java property paths ({@code tasks[0].senderName}); clients know the JSON names. */
final class FieldPaths {

    private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");

    private FieldPaths() {
    }

    static String toJson(String javaPath) {
        if (javaPath == null) {
            return null;
        }
        Matcher m = CAMEL_HUMP.matcher(javaPath);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, m.group(1) + "_" + m.group(2).toLowerCase());
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
