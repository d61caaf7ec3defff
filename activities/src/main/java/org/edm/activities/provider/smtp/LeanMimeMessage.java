package org.edm.activities.provider.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.edm.activities.delivery.OutgoingMail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * A single-part HTML message written once into bytes, for {@link org.eclipse.angus.mail.smtp.SMTPTransport} to send
 * as is. It has what {@code MimeMessage.setText(html, "UTF-8", "html")} plus {@code saveChanges()} would give — Date,
 * From, To, Message-ID, Subject (RFC 2047 encoded and folded by Jakarta Mail's own {@link MimeUtility}), MIME-Version,
 * the extra headers, {@code text/html; charset=UTF-8} and the transfer encoding Jakarta Mail would choose (7bit for
 * ASCII with short lines, quoted-printable for mostly ASCII, base64 otherwise) — without a MimeMessage's header
 * store, content scanning through a DataHandler and second pass at write time, which the send-path profile showed
 * per message. Addresses are parsed strictly, as before, so an invalid one is still refused before anything is sent.
 */
final class LeanMimeMessage extends SMTPMessage {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z",
            Locale.ROOT);
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(76, new byte[]{'\r', '\n'});

    private final Address[] recipients;
    private final byte[] bytes;

    private LeanMimeMessage(Session session, Address[] recipients, byte[] bytes) {
        super(session);
        this.recipients = recipients;
        this.bytes = bytes;
    }

    /** What goes over the wire for one message: the envelope and the message bytes (bare line ends possible). */
    record Wire(String mailFrom, InternetAddress to, byte[] bytes) {
    }

    static LeanMimeMessage of(Session session, OutgoingMail mail) throws MessagingException {
        Wire wire = wire(mail);
        LeanMimeMessage message = new LeanMimeMessage(session, new Address[]{wire.to()}, wire.bytes());
        message.setEnvelopeFrom(wire.mailFrom());
        return message;
    }

    /** The message written once into bytes, for {@link LeanSmtpConnection} or for {@link #of}. */
    static Wire wire(OutgoingMail mail) throws MessagingException {
        Parsed from = from(mail.from());
        InternetAddress to = new InternetAddress(mail.to(), true);
        byte[] body = mail.htmlBody().getBytes(StandardCharsets.UTF_8);
        String encoding = transferEncoding(body);
        StringBuilder h = new StringBuilder(512 + mail.subject().length() * 3);
        header(h, "Date", date());
        header(h, "From", from.header());
        header(h, "To", to.toString());
        header(h, "Message-ID", mail.messageId());
        try {
            header(h, "Subject", MimeUtility.fold(9, MimeUtility.encodeText(mail.subject(), "UTF-8", null)));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode the subject", e);
        }
        header(h, "MIME-Version", "1.0");
        for (Map.Entry<String, String> extra : mail.headers().entrySet()) {
            header(h, extra.getKey(), OutgoingMail.oneLine(extra.getValue()));
        }
        header(h, "Content-Type", "text/html; charset=UTF-8");
        header(h, "Content-Transfer-Encoding", encoding);
        h.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(h.length() + body.length * 2 + 64);
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        try {
            switch (encoding) {
                case "7bit" -> out.writeBytes(body);
                case "base64" -> out.writeBytes(BASE64.encode(body));
                default -> {
                    try (OutputStream qp = MimeUtility.encode(out, "quoted-printable")) {
                        qp.write(body);
                    }
                }
            }
        } catch (IOException e) {
            throw new MessagingException("cannot encode the body", e);
        }
        out.writeBytes(new byte[]{'\r', '\n'});
        // MAIL FROM: the delivery's signed return path when it has one, else the From address
        return new Wire(mail.returnPath() != null ? mail.returnPath() : from.address(), to, out.toByteArray());
    }

    /** The Date header of the current second; formatted once a second, not per message (a lane's 3 %). */
    private record Stamp(long second, String text) {
    }

    private static volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

    private static String date() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = stamp;
        if (s.second() != second) {
            s = new Stamp(second, DATE.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second),
                    ZoneOffset.UTC)));
            stamp = s;
        }
        return s.text();
    }

    /**
     * The From address parsed strictly, as before, and what the message needs of it (its header text and its bare
     * address); a batch sends from one address, so the last one parsed is kept.
     */
    private record Parsed(String text, String header, String address) {
    }

    private static volatile Parsed lastFrom = new Parsed(null, null, null);

    private static Parsed from(String text) throws AddressException {
        Parsed p = lastFrom;
        if (!text.equals(p.text())) {
            InternetAddress parsed = new InternetAddress(text, true);
            p = new Parsed(text, parsed.toString(), parsed.getAddress());
            lastFrom = p;
        }
        return p;
    }

    private static void header(StringBuilder h, String name, String value) {
        h.append(name).append(": ").append(value).append("\r\n");
    }

    /** As Jakarta Mail decides for text: all ASCII with lines of at most 998 bytes, mostly ASCII, or neither. */
    static String transferEncoding(byte[] body) {
        int nonAscii = 0;
        int line = 0;
        boolean longLine = false;
        for (byte b : body) {
            if (b == '\r' || b == '\n') {
                line = 0;
                continue;
            }
            if (b < 0 || b == 0) {
                nonAscii++;
            }
            if (++line > 998) {
                longLine = true;
            }
        }
        if (nonAscii == 0 && !longLine) {
            return "7bit";
        }
        return nonAscii <= body.length - nonAscii ? "quoted-printable" : "base64";
    }

    @Override
    public Address[] getAllRecipients() {
        return recipients.clone();
    }

    @Override
    public int getSize() {
        return bytes.length;
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
        os.write(bytes);
    }

    @Override
    public void writeTo(OutputStream os) throws IOException {
        os.write(bytes);
    }

    @Override
    public void saveChanges() {
        // written once, in of()
    }
}
