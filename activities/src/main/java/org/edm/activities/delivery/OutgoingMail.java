package org.edm.activities.delivery;

import java.util.Map;

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

    @Override
    public String toString() {
        // addresses stay out of logs and failure messages
        return "OutgoingMail[delivery=" + deliveryId + ", messageId=" + messageId + "]";
    }
}
