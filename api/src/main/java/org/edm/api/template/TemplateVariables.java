package org.edm.api.template;

import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the mustache-style variables of a template ({@code {{nickname}}}, {@code {{{raw_html}}}},
 * {@code {{#section}}...{{/section}}}) and rejects text a renderer would choke on, so a broken template fails when it
 * is saved, not when the campaign is sending.
 */
final class TemplateVariables {

    private TemplateVariables() {
    }

    /** The variable names used, sorted; throws {@link IllegalArgumentException} naming the first syntax error. */
    static Set<String> parse(String text) {
        return parse(text, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #parse(String)}, and refuses sections ({@code {{#a}}}, {@code {{^a}}}) nested deeper than
     * {@code maxNestingDepth}: the renderer descends one level of its stack per section, so a deep enough nest
     * overflows it at send time.
     */
    static Set<String> parse(String text, int maxNestingDepth) {
        Set<String> names = new TreeSet<>();
        int depth = 0;
        int pos = 0;
        while (true) {
            int open = text.indexOf("{{", pos);
            if (open < 0) {
                return names;
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("'{{' at character " + open + " is never closed with '}}'");
            }
            int nextOpen = text.indexOf("{{", open + 2);
            boolean triple = text.startsWith("{{{", open);
            if (nextOpen >= 0 && nextOpen < close && !(triple && nextOpen == open + 1)) {
                throw new IllegalArgumentException("'{{' at character " + open + " is not closed before the next '{{'");
            }
            String inner = text.substring(open + (triple ? 3 : 2), close).trim();
            int end = close + 2;
            if (triple) {
                if (!text.startsWith("}", end)) {
                    throw new IllegalArgumentException("'{{{' at character " + open + " must be closed with '}}}'");
                }
                end++;
            }
            if (!inner.isEmpty() && "#^/&!>".indexOf(inner.charAt(0)) >= 0) {
                if (inner.charAt(0) == '!') {
                    pos = end; // a comment
                    continue;
                }
                char kind = inner.charAt(0);
                if (kind == '#' || kind == '^') {
                    if (++depth > maxNestingDepth) {
                        throw new IllegalArgumentException("sections are nested deeper than " + maxNestingDepth
                                + " levels at character " + open);
                    }
                } else if (kind == '/') {
                    depth = Math.max(0, depth - 1);
                }
                inner = inner.substring(1).trim();
            }
            if (!inner.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                throw new IllegalArgumentException("'" + text.substring(open, end) + "' at character " + open
                        + " is not a variable name (letters, digits, _ . -)");
            }
            names.add(inner);
            pos = end;
        }
    }
}
