package org.edm.activities.delivery;

import java.util.regex.Pattern;

/** Keeps e-mail addresses out of logs, alerts and Temporal failure messages (SMTP replies love to quote them). */
public final class Redact {

    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"'(),;:]+@[^\\s<>\"'(),;:]+");

    private Redact() {
    }

    public static String addresses(String text) {
        return text == null ? null : ADDRESS.matcher(text).replaceAll("<address>");
    }
}
