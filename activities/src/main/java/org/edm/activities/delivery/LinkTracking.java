package org.edm.activities.delivery;

import org.edm.domain.tracking.TrackingUrls;
import org.jsoup.parser.Parser;

import java.util.Locale;

/**
 * Tracking for one rendered HTML body in a single pass over its text: each absolute http(s) {@code href} of an
 * {@code <a>} or {@code <area>} tag becomes the signed click redirect of the delivery's token, and the open pixel goes
 * before {@code </body>} (or at the end of a fragment). Everything else is copied as the author wrote it.
 *
 * <p>Why not an HTML parser: parsing and re-serialising every message with jsoup cost more CPU than the rest of
 * rendering (the send-path profile, issue 12). The scanner reads what a parser would for this purpose: tags and
 * their attributes with quoted or unquoted values, entity references in the value (decoded with jsoup's own
 * decoder, so {@code &amp;} in a link means {@code &}), and it skips comments and the raw text of
 * {@code <script>}, {@code <style>}, {@code <textarea>} and {@code <title>}, where a {@code <a} is not a tag. Of
 * duplicate {@code href} attributes the first counts, as in a browser.
 */
final class LinkTracking {

    private static final String[] RAW_TEXT = {"script", "style", "textarea", "title"};

    private LinkTracking() {
    }

    static String apply(String body, String token, TrackingUrls urls) {
        StringBuilder out = new StringBuilder(body.length() + 512);
        int n = body.length();
        int copied = 0;
        int i = 0;
        while (true) {
            int lt = body.indexOf('<', i);
            if (lt < 0 || lt + 1 >= n) {
                break;
            }
            if (body.startsWith("<!--", lt)) {
                int end = body.indexOf("-->", lt + 4);
                i = end < 0 ? n : end + 3;
                continue;
            }
            int nameEnd = nameEnd(body, lt + 1);
            if (nameEnd == lt + 1) {
                i = lt + 1;
                continue;
            }
            String name = body.substring(lt + 1, nameEnd).toLowerCase(Locale.ROOT);
            int tagEnd = tagEnd(body, nameEnd);
            if (name.equals("a") || name.equals("area")) {
                copied = rewriteHref(body, nameEnd, tagEnd, token, urls, out, copied);
            } else {
                String raw = rawText(name);
                if (raw != null) {
                    int close = indexOfIgnoreCase(body, "</" + raw, tagEnd);
                    i = close < 0 ? n : close;
                    continue;
                }
            }
            i = tagEnd;
        }
        String pixel = "<img src=\"" + attr(urls.openPixel(token))
                + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;width:1px;height:1px;border:0\">";
        int bodyEnd = lastIndexOfIgnoreCase(body, "</body");
        if (bodyEnd >= copied) {
            out.append(body, copied, bodyEnd).append(pixel).append(body, bodyEnd, n);
        } else {
            out.append(body, copied, n).append(pixel);
        }
        return out.toString();
    }

    /**
     * Finds the tag's first href in {@code body[from, tagEnd)} and, when it is an absolute http(s) link that is not
     * ours, writes everything up to it and the click redirect in its place. Returns the new copy position.
     */
    private static int rewriteHref(String body, int from, int tagEnd, String token, TrackingUrls urls,
                                   StringBuilder out, int copied) {
        int i = from;
        int limit = tagEnd - 1; // the '>'
        while (i < limit) {
            char c = body.charAt(i);
            if (Character.isWhitespace(c) || c == '/') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < limit && !Character.isWhitespace(body.charAt(i)) && body.charAt(i) != '='
                    && body.charAt(i) != '>' && body.charAt(i) != '/') {
                i++;
            }
            String attribute = body.substring(nameStart, i);
            while (i < limit && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            if (i >= limit || body.charAt(i) != '=') {
                if (i == nameStart) {
                    i++;
                }
                continue; // an attribute without a value
            }
            i++;
            while (i < limit && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            int valueStart = i;
            int rawStart;
            int rawEnd;
            if (i < limit && (body.charAt(i) == '"' || body.charAt(i) == '\'')) {
                char quote = body.charAt(i);
                int close = body.indexOf(quote, i + 1);
                if (close < 0 || close >= tagEnd) {
                    close = limit;
                }
                rawStart = i + 1;
                rawEnd = close;
                i = Math.min(close + 1, limit);
            } else {
                while (i < limit && !Character.isWhitespace(body.charAt(i)) && body.charAt(i) != '>') {
                    i++;
                }
                rawStart = valueStart;
                rawEnd = i;
            }
            if (attribute.equalsIgnoreCase("href")) {
                String raw = body.substring(rawStart, rawEnd);
                // most links hold no entity reference: jsoup's decoder was a twentieth of a send lane's CPU
                String href = (raw.indexOf('&') < 0 ? raw : Parser.unescapeEntities(raw, true)).trim();
                String lower = href.toLowerCase(Locale.ROOT);
                if ((lower.startsWith("http://") || lower.startsWith("https://")) && !urls.isOwnLink(href)) {
                    out.append(body, copied, valueStart).append('"').append(attr(urls.click(token, href)))
                            .append('"');
                    return i;
                }
                return copied; // the first href decides
            }
        }
        return copied;
    }

    /** The end of a tag name starting at {@code from} (letters, digits, '-', ':'). */
    private static int nameEnd(String s, int from) {
        int i = from;
        if (i < s.length() && !Character.isLetter(s.charAt(i))) {
            return from;
        }
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '-' || s.charAt(i) == ':')) {
            i++;
        }
        return i;
    }

    /** Just past the tag's closing '>', skipping quoted attribute values; the text's end if it never closes. */
    private static int tagEnd(String s, int from) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                // a quote opens a value only right after '=' (possibly with spaces between)
                int j = i - 1;
                while (j >= from && Character.isWhitespace(s.charAt(j))) {
                    j--;
                }
                if (j >= from && s.charAt(j) == '=') {
                    quote = c;
                }
            } else if (c == '>') {
                return i + 1;
            }
        }
        return s.length();
    }

    private static String rawText(String name) {
        for (String raw : RAW_TEXT) {
            if (raw.equals(name)) {
                return raw;
            }
        }
        return null;
    }

    private static int indexOfIgnoreCase(String s, String what, int from) {
        int max = s.length() - what.length();
        for (int i = Math.max(0, from); i <= max; i++) {
            if (s.regionMatches(true, i, what, 0, what.length())) {
                return i;
            }
        }
        return -1;
    }

    /** {@code what} starts with '<': only the '<'s are compared, found from the end by {@link String#lastIndexOf}. */
    private static int lastIndexOfIgnoreCase(String s, String what) {
        for (int i = s.lastIndexOf('<', s.length() - what.length()); i >= 0; i = s.lastIndexOf('<', i - 1)) {
            if (s.regionMatches(true, i, what, 0, what.length())) {
                return i;
            }
        }
        return -1;
    }

    /** Escapes a value for a double-quoted attribute. */
    private static String attr(String value) {
        StringBuilder b = null;
        for (int i = 0; i < value.length(); i++) {
            String replacement = switch (value.charAt(i)) {
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                default -> null;
            };
            if (replacement != null && b == null) {
                b = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (b != null) {
                if (replacement != null) {
                    b.append(replacement);
                } else {
                    b.append(value.charAt(i));
                }
            }
        }
        return b == null ? value : b.toString();
    }
}
