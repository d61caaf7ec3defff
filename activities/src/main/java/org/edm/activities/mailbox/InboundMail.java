package org.edm.activities.mailbox;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a message in a service's mailbox is to us: a delivery status notification (RFC 3464 multipart/report)
 * about one of our messages, or a reply naming our Message-IDs ({@code <token@domain>}) in In-Reply-To /
 * References, or something else. Header blocks are read with Jakarta Mail's own header parser.
 * {@code addressedTo}: the addresses the message was delivered to (To, Cc and the receiving server's
 * Delivered-To / X-Original-To / Envelope-To), where a bounce to one of our return paths ({@link ReturnPaths}) shows.
 */
record InboundMail(Kind kind, String messageId, List<String> referencedMessageIds, String from,
                   String bounceRecipient, String action, String status, String diagnostic, boolean automatic,
                   List<String> addressedTo) {

    private static final List<String> DELIVERED_TO_HEADERS = List.of("Delivered-To", "X-Original-To",
            "Envelope-To", "X-Envelope-To", "To", "Cc");

    enum Kind { BOUNCE, REPLY, OTHER }

    /** A failed DSN with a permanent (5.x.x) status: the address does not exist or refuses us for good. */
    boolean hardBounce() {
        return kind == Kind.BOUNCE && "failed".equals(action) && status != null && status.startsWith("5");
    }

    static InboundMail parse(MimeMessage message) throws MessagingException, IOException {
        String messageId = message.getMessageID();
        String from = firstAddress(message.getFrom());
        String autoSubmitted = message.getHeader("Auto-Submitted", null);
        boolean automatic = autoSubmitted != null && !autoSubmitted.trim().equalsIgnoreCase("no");
        List<String> addressedTo = addressedTo(message);
        if (message.isMimeType("multipart/report")) {
            InboundMail dsn = deliveryStatus(message, messageId, from, addressedTo);
            if (dsn != null) {
                return dsn;
            }
        }
        List<String> references = new ArrayList<>();
        addIds(references, message.getHeader("In-Reply-To", " "));
        addIds(references, message.getHeader("References", " "));
        return new InboundMail(references.isEmpty() && from == null ? Kind.OTHER : Kind.REPLY, messageId, references,
                from, null, null, null, null, automatic, addressedTo);
    }

    /** Every address in the delivered-to headers, in header order; unparsable values are skipped. */
    private static List<String> addressedTo(MimeMessage message) throws MessagingException {
        List<String> addresses = new ArrayList<>();
        for (String name : DELIVERED_TO_HEADERS) {
            String[] values = message.getHeader(name);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                try {
                    for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                        if (address.getAddress() != null) {
                            addresses.add(address.getAddress());
                        }
                    }
                } catch (AddressException unparsable) {
                    // a forged or broken header names nothing we can verify
                }
            }
        }
        return addresses;
    }

    private static InboundMail deliveryStatus(MimeMessage message, String messageId, String from,
                                              List<String> addressedTo) throws MessagingException, IOException {
        Multipart report = (Multipart) message.getContent();
        String recipient = null;
        String action = null;
        String status = null;
        String diagnostic = null;
        List<String> original = new ArrayList<>();
        boolean sawStatus = false;
        for (int i = 0; i < report.getCount(); i++) {
            BodyPart part = report.getBodyPart(i);
            if (part.isMimeType("message/delivery-status")) {
                sawStatus = true;
                try (InputStream in = new BufferedInputStream(part.getInputStream())) {
                    new InternetHeaders(in); // the per-message block (Reporting-MTA, Arrival-Date ...)
                    while (recipient == null || action == null) {
                        InternetHeaders block = new InternetHeaders(in);
                        if (!block.getAllHeaders().hasMoreElements()) {
                            break;
                        }
                        recipient = typedValue(block.getHeader("Final-Recipient", null));
                        if (recipient == null) {
                            recipient = typedValue(block.getHeader("Original-Recipient", null));
                        }
                        action = lower(block.getHeader("Action", null));
                        status = trimmed(block.getHeader("Status", null));
                        diagnostic = typedValue(block.getHeader("Diagnostic-Code", null));
                    }
                }
            } else if (part.isMimeType("message/rfc822")) {
                Object content = part.getContent();
                if (content instanceof MimeMessage originalMessage) {
                    addIds(original, originalMessage.getMessageID());
                }
            } else if (part.isMimeType("text/rfc822-headers")) {
                try (InputStream in = part.getInputStream()) {
                    addIds(original, new InternetHeaders(in).getHeader("Message-ID", null));
                }
            }
        }
        if (!sawStatus) {
            return null;
        }
        return new InboundMail(Kind.BOUNCE, messageId, original, from, recipient, action, status, diagnostic, true,
                addressedTo);
    }

    /** The Message-IDs in a header value: each {@code <...>} in order. */
    static void addIds(List<String> into, String header) {
        if (header == null) {
            return;
        }
        int start = header.indexOf('<');
        while (start >= 0) {
            int end = header.indexOf('>', start);
            if (end < 0) {
                return;
            }
            into.add(header.substring(start + 1, end).trim());
            start = header.indexOf('<', end);
        }
    }

    /** The delivery token in one of our Message-IDs ({@code token@domain}), or null. */
    static String tokenOf(String messageId) {
        int at = messageId.indexOf('@');
        String local = at < 0 ? messageId : messageId.substring(0, at);
        return local.matches("[0-9a-fA-F]{16,64}") ? local.toLowerCase(Locale.ROOT) : null;
    }

    /** {@code rfc822; bob@example.com} -> {@code bob@example.com}. */
    private static String typedValue(String field) {
        if (field == null) {
            return null;
        }
        int semicolon = field.indexOf(';');
        String value = (semicolon < 0 ? field : field.substring(semicolon + 1)).replaceAll("\\s+", " ").trim();
        return value.isEmpty() ? null : value;
    }

    private static String firstAddress(Address[] addresses) {
        if (addresses == null) {
            return null;
        }
        for (Address a : addresses) {
            if (a instanceof InternetAddress ia && ia.getAddress() != null) {
                return ia.getAddress();
            }
        }
        return null;
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    @Override
    public String toString() {
        return "InboundMail[" + kind + ", status=" + status + "]";
    }
}
