package org.edm.activities.provider.smtp;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.edm.activities.delivery.MailProvider;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;
import org.edm.activities.delivery.OutgoingMail;

import javax.net.ssl.SSLSocketFactory;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Sends through one SMTP server with a small pool of logged-in connections, so a batch pays the TCP, TLS and
 * AUTH handshakes once rather than per message.
 *
 * <p>How failures are classified decides between "failed", "send again" and "unknown" (INV-3):
 * <ul>
 *   <li>cannot connect or log in, or the server says 421 (service unavailable): nothing left, {@code NOT_SENT};</li>
 *   <li>the server answered the message with a reply code: it refused it, {@code REJECTED} (for the recipient
 *       alone when the RCPT was refused);</li>
 *   <li>the connection broke during the exchange: the server may have queued it, {@code UNCERTAIN}.</li>
 * </ul>
 * A pooled connection that sat idle for more than {@link #TRUST_IDLE_NANOS} is checked with NOOP before use, because
 * a connection the server dropped while idle would otherwise fail mid-send and turn a perfectly sendable message into
 * an unknown one; one given back a moment ago by the previous send is not (a NOOP per message was a fifth of the
 * round trips of a busy batch).
 *
 * <p>A plain HTML message without signer (campaign mail) is written by {@link LeanMimeMessage}: the same headers and
 * encodings Jakarta Mail would choose, without its per-message header bookkeeping, and sent by
 * {@link LeanSmtpConnection}, which pipelines (and in a lane writes whole messages ahead with BDAT) when the server
 * offers it, and classifies replies as described above.
 * Signed or multipart messages (API mail) keep Jakarta Mail for both. Each path has its own pool.
 */
public final class SmtpMailProvider implements MailProvider, AutoCloseable {

    private final SmtpSettings settings;
    private final String password;
    private final Session session;
    /** A connection given back this recently is used without a NOOP first. */
    static final long TRUST_IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    private static final java.util.function.UnaryOperator<MimeMessage> UNSIGNED = message -> message;

    private final BlockingQueue<Pooled> idle;
    private final java.util.function.UnaryOperator<MimeMessage> signer;

    private record Pooled(SMTPTransport transport, long givenBackNanos) {
    }

    private record PooledLean(LeanSmtpConnection connection, long givenBackNanos) {
    }

    private final BlockingQueue<PooledLean> leanIdle;
    private final SSLSocketFactory tls;
    private volatile String localHostName;

    public SmtpMailProvider(SmtpSettings settings, String password, int maxIdleConnections) {
        this(settings, password, maxIdleConnections, UNSIGNED);
    }

    /**
     * @param signer applied to each built message before it is sent (DKIM for API messages); it may throw
     *               {@link MailSendException} of kind REJECTED when the message cannot be signed
     */
    public SmtpMailProvider(SmtpSettings settings, String password, int maxIdleConnections,
                            java.util.function.UnaryOperator<MimeMessage> signer) {
        this(settings, password, maxIdleConnections, signer, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** Unsigned, with the lean client opening TLS through {@code tls} (tests choose what it trusts). */
    SmtpMailProvider(SmtpSettings settings, String password, int maxIdleConnections, SSLSocketFactory tls) {
        this(settings, password, maxIdleConnections, UNSIGNED, tls);
    }

    /** @param tls how the lean client opens TLS (tests choose what it trusts) */
    SmtpMailProvider(SmtpSettings settings, String password, int maxIdleConnections,
                     java.util.function.UnaryOperator<MimeMessage> signer, SSLSocketFactory tls) {
        this.tls = tls;
        this.leanIdle = new ArrayBlockingQueue<>(Math.max(1, maxIdleConnections));
        this.signer = signer;
        this.settings = settings;
        this.password = password;
        this.idle = new ArrayBlockingQueue<>(Math.max(1, maxIdleConnections));
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.host());
        props.put("mail.smtp.port", Integer.toString(settings.port()));
        props.put("mail.smtp.auth", Boolean.toString(settings.username() != null));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "30000");
        props.put("mail.smtp.writetimeout", "30000");
        if (settings.heloName() != null) {
            props.put("mail.smtp.localhost", settings.heloName());
        }
        if (settings.ssl()) {
            props.put("mail.smtp.ssl.enable", "true");
            props.put("mail.smtp.ssl.checkserveridentity", "true");
        } else if (settings.tls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(props);
    }

    @Override
    public String send(OutgoingMail mail) {
        if (signer == UNSIGNED && mail.textBody() == null) {
            return sendLean(mail);
        }
        MimeMessage message = signer.apply(build(mail));
        SMTPTransport transport = borrow();
        boolean reusable = false;
        try {
            transport.sendMessage(message, message.getAllRecipients());
            reusable = true;
            return providerMessageId(transport.getLastServerResponse(), mail.messageId());
        } catch (SendFailedException e) {
            throw classify(e);
        } catch (MessagingException e) {
            throw new MailSendException(Kind.UNCERTAIN,
                    "SMTP connection to " + settings.host() + " broke while sending: " + e.getMessage(), e);
        } finally {
            if (reusable) {
                giveBack(transport);
            } else {
                closeQuietly(transport);
            }
        }
    }

    private MimeMessage build(OutgoingMail mail) {
        try {
            SMTPMessage message = new SMTPMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    // our Message-ID carries the delivery token, so replies and bounces find their delivery
                    setHeader("Message-ID", mail.messageId());
                }
            };
            if (mail.returnPath() != null) {
                // MAIL FROM: the delivery's signed return path, where a bounce proves which delivery it is about
                message.setEnvelopeFrom(mail.returnPath());
            }
            message.setFrom(new InternetAddress(mail.from(), true));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
            message.setSubject(mail.subject(), "UTF-8");
            if (mail.textBody() == null) {
                message.setText(mail.htmlBody(), "UTF-8", "html");
            } else {
                // plain text first: clients show the last alternative they understand
                jakarta.mail.internet.MimeMultipart alternative = new jakarta.mail.internet.MimeMultipart("alternative");
                jakarta.mail.internet.MimeBodyPart text = new jakarta.mail.internet.MimeBodyPart();
                text.setText(mail.textBody(), "UTF-8", "plain");
                jakarta.mail.internet.MimeBodyPart html = new jakarta.mail.internet.MimeBodyPart();
                html.setText(mail.htmlBody(), "UTF-8", "html");
                alternative.addBodyPart(text);
                alternative.addBodyPart(html);
                message.setContent(alternative);
            }
            message.setSentDate(new Date());
            for (var header : mail.headers().entrySet()) {
                message.setHeader(header.getKey(), header.getValue());
            }
            message.saveChanges();
            return message;
        } catch (AddressException e) {
            throw new MailSendException(Kind.REJECTED, true, "invalid address: " + e.getMessage(), e);
        } catch (MessagingException e) {
            throw new MailSendException(Kind.REJECTED, "cannot build the message: " + e.getMessage(), e);
        }
    }

    private static MailSendException classify(SendFailedException e) {
        if (e instanceof SMTPSendFailedException refused) {
            return refused(refused.getReturnCode(), false, e);
        }
        for (Exception next = e.getNextException(); next != null;
             next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException rcpt) {
                return refused(rcpt.getReturnCode(), true, rcpt);
            }
            if (next instanceof SMTPSendFailedException refused) {
                return refused(refused.getReturnCode(), false, refused);
            }
        }
        Address[] invalid = e.getInvalidAddresses();
        return new MailSendException(Kind.REJECTED, invalid != null && invalid.length > 0,
                "SMTP server refused the message: " + e.getMessage(), e);
    }

    private static MailSendException refused(int code, boolean recipient, MessagingException e) {
        if (code == 421) {
            return new MailSendException(Kind.NOT_SENT, "SMTP service unavailable: " + e.getMessage(), e);
        }
        return new MailSendException(Kind.REJECTED, recipient,
                (recipient ? "recipient refused: " : "message refused: ") + e.getMessage().trim(), e);
    }

    /** Campaign mail: the lean message over {@link LeanSmtpConnection} (pipelined when the server offers it). */
    private String sendLean(OutgoingMail mail) {
        LeanMimeMessage.Wire wire = wire(mail);
        LeanSmtpConnection connection = borrowLean();
        try {
            LeanSmtpConnection.Reply accepted = connection.send(wire.mailFrom(), wire.to().getAddress(), wire.bytes());
            return providerMessageId(accepted.text(), mail.messageId());
        } finally {
            // a refusal leaves the connection reset and usable; a broken one is closed
            if (connection.usable()) {
                giveBackLean(connection);
            } else {
                connection.close();
            }
        }
    }

    private static LeanMimeMessage.Wire wire(OutgoingMail mail) {
        try {
            return LeanMimeMessage.wire(mail);
        } catch (AddressException e) {
            throw new MailSendException(Kind.REJECTED, true, "invalid address: " + e.getMessage(), e);
        } catch (MessagingException e) {
            throw new MailSendException(Kind.REJECTED, "cannot build the message: " + e.getMessage(), e);
        }
    }

    /**
     * Campaign mail keeps one connection for the lane's run. With a server that offers PIPELINING and CHUNKING the
     * lane writes the message and the rest of its run (up to {@link #MAX_WRITTEN_AHEAD}) as whole BDAT transactions
     * in one write, then reads each message's replies on its own turn ({@link LeanSmtpConnection#write},
     * {@link LeanSmtpConnection#result}). With PIPELINING alone the next message's envelope goes out behind each
     * message's terminating dot ({@link LeanSmtpConnection#send(String, String, byte[], String, String)}): one round
     * trip per message instead of two. Signed or multipart mail, and unsigned mail whose next message is not campaign
     * mail, goes as {@link #send} sends it.
     */
    @Override
    public Lane lane() {
        if (signer != UNSIGNED) {
            return MailProvider.super.lane();
        }
        return new LeanLane();
    }

    /**
     * The most messages a lane writes ahead of the replies it has read: their replies (about a hundred bytes each)
     * must fit the socket buffers, or a server blocked writing them would stop reading while the lane still writes.
     */
    static final int MAX_WRITTEN_AHEAD = 64;

    private final class LeanLane implements Lane {
        private LeanSmtpConnection connection;
        /** The next message as written when its envelope went ahead, so it is written once. */
        private OutgoingMail nextMail;
        private LeanMimeMessage.Wire nextWire;
        /** Messages written ahead with BDAT on {@link #connection} whose replies are not read, oldest first. */
        private final java.util.ArrayDeque<WrittenAhead> written = new java.util.ArrayDeque<>();
        /** Every message of which anything went out before its turn: never handed back as unsent (INV-3). */
        private final java.util.List<OutgoingMail> handedOver = new java.util.ArrayList<>();

        private record WrittenAhead(OutgoingMail mail, String from, String to) {
        }

        @Override
        public String send(OutgoingMail mail, java.util.List<OutgoingMail> following) {
            if (mail.textBody() != null) {
                return SmtpMailProvider.this.send(mail);
            }
            WrittenAhead mine = written.peekFirst();
            if (mine != null && mine.mail() == mail) {
                written.pollFirst();
                return providerMessageId(connection.result(mine.from(), mine.to()).text(), mail.messageId());
            }
            if (mine != null || handedOverAhead(mail)) {
                // a caller bug, or a message written ahead on a connection that broke: never write it again
                drop();
                throw new MailSendException(Kind.UNCERTAIN, "the lane wrote this message ahead, on a connection it "
                        + "has dropped", null);
            }
            LeanMimeMessage.Wire wire = mail == nextMail ? nextWire : wire(mail);
            nextMail = null;
            nextWire = null;
            String to = wire.to().getAddress();
            if (connection != null && (connection.hasEnvelopeAhead() ? !connection.hasEnvelopeAhead(wire.mailFrom(), to)
                    : !connection.usable())) {
                // another message's envelope is ahead on it (dropped, see close()), or it broke: take another one
                close();
            }
            if (connection == null) {
                connection = borrowLean();
            }
            if (connection.chunking()) {
                connection.write(wire.mailFrom(), to, wire.bytes());
                writeAhead(following);
                return providerMessageId(connection.result(wire.mailFrom(), to).text(), mail.messageId());
            }
            OutgoingMail next = following.isEmpty() ? null : following.get(0);
            LeanMimeMessage.Wire ahead = next == null || next.textBody() != null ? null : wireOrNull(next);
            try {
                LeanSmtpConnection.Reply accepted = connection.send(wire.mailFrom(), to, wire.bytes(),
                        ahead == null ? null : ahead.mailFrom(), ahead == null ? null : ahead.to().getAddress());
                return providerMessageId(accepted.text(), mail.messageId());
            } finally {
                // (also after a refusal of this message alone: the run goes on with the next one)
                nextMail = ahead == null ? null : next;
                nextWire = ahead;
            }
        }

        /**
         * Writes the run's next messages behind the one just written, all marked attempted by the caller, until one
         * is not campaign mail or cannot be written (those wait for their own turn) or enough are ahead. A message
         * counts as handed over from before its write starts: a write that breaks midway may have put part of it out.
         */
        private void writeAhead(java.util.List<OutgoingMail> following) {
            for (OutgoingMail next : following) {
                if (written.size() >= MAX_WRITTEN_AHEAD || next.textBody() != null) {
                    return;
                }
                LeanMimeMessage.Wire wire = wireOrNull(next);
                if (wire == null) {
                    return;
                }
                handedOver.add(next);
                try {
                    connection.write(wire.mailFrom(), wire.to().getAddress(), wire.bytes());
                } catch (MailSendException broken) {
                    // the connection is closed: the message in turn learns it from its result (UNCERTAIN)
                    return;
                }
                written.add(new WrittenAhead(next, wire.mailFrom(), wire.to().getAddress()));
            }
        }

        @Override
        public boolean handedOverAhead(OutgoingMail mail) {
            for (OutgoingMail m : handedOver) {
                if (m == mail) {
                    return true;
                }
            }
            return false;
        }

        /** The next message written, or null when it cannot be (it fails on its own turn, nothing sent ahead). */
        private LeanMimeMessage.Wire wireOrNull(OutgoingMail next) {
            try {
                return LeanMimeMessage.wire(next);
            } catch (MessagingException | RuntimeException e) {
                return null;
            }
        }

        /** Drops the connection with whatever is ahead on it unfinished or unanswered. */
        private void drop() {
            LeanSmtpConnection c = connection;
            connection = null;
            written.clear();
            nextMail = null;
            nextWire = null;
            if (c != null) {
                c.abandon();
            }
        }

        @Override
        public void close() {
            LeanSmtpConnection c = connection;
            if (c == null) {
                return;
            }
            if (c.hasEnvelopeAhead() || c.hasWritten()) {
                // the run ended before the message whose envelope went ahead: the server must not get its content;
                // or before messages written ahead were answered: nothing more goes on that connection, not even QUIT
                drop();
                return;
            }
            connection = null;
            nextMail = null;
            nextWire = null;
            if (c.usable()) {
                giveBackLean(c);
            } else {
                c.close();
            }
        }
    }

    private LeanSmtpConnection borrowLean() {
        PooledLean pooled;
        while ((pooled = leanIdle.poll()) != null) {
            if (System.nanoTime() - pooled.givenBackNanos() < TRUST_IDLE_NANOS || pooled.connection().alive()) {
                return pooled.connection();
            }
            pooled.connection().close();
        }
        return LeanSmtpConnection.open(settings, settings.username() == null ? null : password, heloName(), tls);
    }

    private void giveBackLean(LeanSmtpConnection connection) {
        if (!leanIdle.offer(new PooledLean(connection, System.nanoTime()))) {
            connection.close();
        }
    }

    /** What EHLO says: the service's domain, else this host's name (what Jakarta Mail would say). */
    private String heloName() {
        if (settings.heloName() != null) {
            return settings.heloName();
        }
        String name = localHostName;
        if (name == null) {
            try {
                name = java.net.InetAddress.getLocalHost().getCanonicalHostName();
            } catch (java.io.IOException e) {
                name = "localhost";
            }
            localHostName = name;
        }
        return name;
    }

    private SMTPTransport borrow() {
        Pooled pooled;
        while ((pooled = idle.poll()) != null) {
            // isConnected() sends a NOOP: worth it only after the connection sat idle a while
            if (System.nanoTime() - pooled.givenBackNanos() < TRUST_IDLE_NANOS || pooled.transport().isConnected()) {
                return pooled.transport();
            }
            closeQuietly(pooled.transport());
        }
        SMTPTransport transport;
        try {
            transport = (SMTPTransport) session.getTransport("smtp");
            // No username means a relay without login: pass no password either, or Jakarta Mail would log in as the
            // JVM's OS user.
            transport.connect(settings.host(), settings.port(), settings.username(),
                    settings.username() == null ? null : password);
            return transport;
        } catch (MessagingException e) {
            // no address and no password in here: the server's greeting or auth reply at most
            throw new MailSendException(Kind.NOT_SENT,
                    "cannot connect or log in to SMTP " + settings.host() + ":" + settings.port() + ": "
                            + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
    }

    private void giveBack(SMTPTransport transport) {
        if (!idle.offer(new Pooled(transport, System.nanoTime()))) {
            closeQuietly(transport);
        }
    }

    /**
     * The queue id from a reply such as "250 2.0.0 Ok: queued as 4Bx1yZ" ({@code queued as\s+(\S+)}, any case),
     * else our Message-ID. Scanned by hand: the regular expression was a lane's 1 %.
     */
    static String providerMessageId(String serverResponse, String messageId) {
        if (serverResponse == null) {
            return messageId;
        }
        String marker = "queued as";
        int n = serverResponse.length();
        for (int i = 0; i + marker.length() < n; i++) {
            if ((serverResponse.charAt(i) | 0x20) != 'q' || !serverResponse.regionMatches(true, i, marker, 0,
                    marker.length())) {
                continue;
            }
            int start = i + marker.length();
            int idStart = start;
            while (idStart < n && Character.isWhitespace(serverResponse.charAt(idStart))) {
                idStart++;
            }
            int idEnd = idStart;
            while (idEnd < n && !Character.isWhitespace(serverResponse.charAt(idEnd))) {
                idEnd++;
            }
            if (idStart > start && idEnd > idStart) {
                return serverResponse.substring(idStart, idEnd);
            }
        }
        return messageId;
    }

    private static void closeQuietly(SMTPTransport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException ignored) {
            // closing a broken connection
        }
    }

    @Override
    public void close() {
        Pooled pooled;
        while ((pooled = idle.poll()) != null) {
            closeQuietly(pooled.transport());
        }
        PooledLean lean;
        while ((lean = leanIdle.poll()) != null) {
            lean.connection().close();
        }
    }

    @Override
    public String toString() {
        return "SmtpMailProvider[" + settings.host() + ":" + settings.port() + "]";
    }
}
