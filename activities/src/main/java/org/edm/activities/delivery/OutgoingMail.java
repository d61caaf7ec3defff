package org.edm.activities.delivery;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A rendered message ready for a provider. {@code messageId} is the full Message-ID header value, including the
 * angle brackets; {@code headers} are extra headers (List-Unsubscribe...); {@code textBody}, when not null, is the
 * plain-text alternative of the HTML (API messages may bring one); {@code returnPath} is the envelope sender that
 * bounces go to (the delivery's signed VERP address, see {@code ReturnPaths}), null for the From address.
 */
public record OutgoingMail(long deliveryId, String from, String to, String subject, String htmlBody,
                           String messageId, Map<String, String> headers, String textBody, String returnPath) {

    public OutgoingMail(long deliveryId, String from, String to, String subject, String htmlBody, String messageId,
                        Map<String, String> headers) {
        this(deliveryId, from, to, subject, htmlBody, messageId, headers, null, null);
    }

    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");

    /**
     * A header value on one line: a line break from contact or API data must not start a new header. Each run of
     * line breaks becomes a space; a value without one (nearly all) is returned as it is, without a regex.
     */
    public static String oneLine(String value) {
        return value.indexOf('\r') < 0 && value.indexOf('\n') < 0 ? value : LINE_BREAKS.matcher(value).replaceAll(" ");
    }

    @Override
    public String toString() {
        // addresses stay out of logs and failure messages
        return "OutgoingMail[delivery=" + deliveryId + ", messageId=" + messageId + "]";
    }
}
