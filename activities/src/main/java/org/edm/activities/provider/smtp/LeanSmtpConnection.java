package org.edm.activities.provider.smtp;

import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One logged-in SMTP connection that sends pre-written message bytes: the send path's own client, because Jakarta
 * Mail cannot pipeline and spends more CPU per message than the rest of the send lane. When the server offers
 * PIPELINING (RFC 2920), MAIL FROM, RCPT TO and DATA go out in one write and their three replies are read together,
 * so a message costs two round trips instead of four; without it the commands go one by one. The message is
 * dot-stuffed and its line ends made CRLF on the way out, as Jakarta Mail's SMTP stream does.
 *
 * <p>When the server offers both PIPELINING and CHUNKING (RFC 3030; Postfix does by default), a message needs no 354:
 * {@link #write} buffers MAIL FROM, RCPT TO and {@code BDAT <size> LAST} with the message's bytes, so a lane writes
 * several whole messages in one write and {@link #result} reads each one's three replies in order, most of them from
 * one read: a few syscalls and wake-ups per group on both sides instead of per message.
 *
 * <p>Reply codes map to {@link MailSendException.Kind} exactly as {@link SmtpMailProvider} maps Jakarta Mail's
 * exceptions (INV-3): a refused MAIL FROM, RCPT TO (for the recipient alone), DATA or message is {@code REJECTED},
 * except 421 (service shutting down) which is {@code NOT_SENT}; a broken connection during the exchange is
 * {@code UNCERTAIN}, because once the DATA may have been sent nobody can tell whether the server queued it. After a
 * refusal the transaction is reset with RSET and the connection stays usable. Cannot connect, TLS or log in:
 * {@code NOT_SENT}. Not thread-safe: one sending thread at a time (the provider's pool hands it out).
 */
final class LeanSmtpConnection implements AutoCloseable {

    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    static final int READ_TIMEOUT_MILLIS = 30_000;
    static final int WRITE_TIMEOUT_MILLIS = 30_000;
    /**
     * Closes the socket of a write that has been blocked too long (a server that stopped reading): sockets have no
     * write timeout of their own, and a lane stuck in a write would hold its batch until the activity's timeout. The
     * write then fails and the message is UNCERTAIN, as with Jakarta Mail's write timeout. One watchdog looks at the
     * writes in progress a few times a second, instead of a timer task scheduled and cancelled around every write
     * (that cost a lock, a heap insertion and a wake-up of the timer thread per write, two per message).
     */
    private static final java.util.Set<TimedOutput> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static final long WATCHDOG_PERIOD_MILLIS = 100;

    static {
        java.util.concurrent.ScheduledThreadPoolExecutor watchdog =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "edm-smtp-write-timeout");
                    thread.setDaemon(true);
                    return thread;
                });
        watchdog.scheduleWithFixedDelay(LeanSmtpConnection::closeStuckWrites, WATCHDOG_PERIOD_MILLIS,
                WATCHDOG_PERIOD_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static void closeStuckWrites() {
        long now = System.nanoTime();
        for (TimedOutput output : WRITING) {
            output.closeIfStuck(now);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};

    /** One server reply: its code and its text lines joined (for the queue id and failure messages). */
    record Reply(int code, String text) {
        boolean ok() {
            return code >= 200 && code < 400;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final String host;
    private final int writeTimeoutMillis;
    private Socket socket;
    /** The TCP socket under any TLS: what the write watchdog closes (closing a TLS socket would write to it). */
    private Socket tcp;
    private InputStream in;
    private OutputStream out;
    private boolean pipelining;
    private boolean chunking;
    private boolean broken;
    private final byte[] line = new byte[1024];

    private LeanSmtpConnection(String host, int writeTimeoutMillis) {
        this.host = host;
        this.writeTimeoutMillis = writeTimeoutMillis;
    }

    /**
     * Connects, says EHLO, upgrades with STARTTLS or starts with implicit TLS as the settings say, and logs in when
     * there is a username and a password (AUTH PLAIN, else LOGIN; like Jakarta Mail, a server offering no AUTH is
     * used without). Any failure here is {@code NOT_SENT}: nothing of a message was handed over yet.
     */
    static LeanSmtpConnection open(SmtpSettings settings, String password, String heloName, SSLSocketFactory tls) {
        return open(settings, password, heloName, tls, WRITE_TIMEOUT_MILLIS);
    }

    static LeanSmtpConnection open(SmtpSettings settings, String password, String heloName, SSLSocketFactory tls,
                                   int writeTimeoutMillis) {
        LeanSmtpConnection connection = new LeanSmtpConnection(settings.host(), writeTimeoutMillis);
        try {
            connection.connect(settings, password, heloName, tls);
            return connection;
        } catch (IOException | SetupRefused | RuntimeException e) {
            // (a RuntimeException here is a bad port or host: still nothing sent, and retrying will not help either)
            connection.close();
            // the server's greeting or auth reply at most: no address and no password in here
            throw new MailSendException(Kind.NOT_SENT, "cannot connect or log in to SMTP " + settings.host() + ":"
                    + settings.port() + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
    }

    private static final class SetupRefused extends Exception {
        SetupRefused(String message) {
            super(message);
        }
    }

    private void connect(SmtpSettings settings, String password, String heloName, SSLSocketFactory tls)
            throws IOException, SetupRefused {
        Socket plain = new Socket();
        socket = plain;
        tcp = plain;
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(READ_TIMEOUT_MILLIS);
        plain.connect(new InetSocketAddress(settings.host(), settings.port()), CONNECT_TIMEOUT_MILLIS);
        if (settings.ssl()) {
            socket = wrap(tls, plain, settings);
        }
        streams();
        expect(read(), 220, "greeting");
        List<String> capabilities = ehlo(heloName);
        if (settings.tls()) {
            if (!has(capabilities, "STARTTLS")) {
                throw new SetupRefused("the server does not offer STARTTLS, which this service requires");
            }
            command("STARTTLS");
            expect(read(), 220, "STARTTLS");
            socket = wrap(tls, socket, settings);
            streams();
            capabilities = ehlo(heloName);
        }
        pipelining = has(capabilities, "PIPELINING");
        // BDAT is only worth it pipelined: one command per message, no 354 to wait for
        chunking = pipelining && has(capabilities, "CHUNKING");
        if (settings.username() != null && password != null) {
            String auth = capabilities.stream().filter(c -> c.startsWith("AUTH ") || c.startsWith("AUTH="))
                    .findFirst().orElse(null);
            if (auth != null) {
                login(auth, settings.username(), password);
            }
        }
    }

    private static Socket wrap(SSLSocketFactory tls, Socket plain, SmtpSettings settings) throws IOException {
        SSLSocket secure = (SSLSocket) tls.createSocket(plain, settings.host(), settings.port(), true);
        SSLParameters parameters = secure.getSSLParameters();
        // the server's certificate must name the host we meant (Jakarta Mail's checkserveridentity)
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        secure.startHandshake();
        return secure;
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = new BufferedOutputStream(new TimedOutput(socket, tcp, writeTimeoutMillis), 65536);
    }

    /**
     * The socket's output; each write to it is watched by the watchdog above (once per buffer flush, not per byte):
     * the write notes when it started, and the watchdog closes the socket once that is longer ago than the timeout.
     */
    private static final class TimedOutput extends OutputStream {
        private final Socket socket;
        private final OutputStream raw;
        private final long timeoutNanos;
        /** When the write in progress started; 0 when none is. */
        private volatile long writingSince;

        TimedOutput(Socket writeTo, Socket tcp, int timeoutMillis) throws IOException {
            this.socket = tcp;
            this.raw = writeTo.getOutputStream();
            this.timeoutNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            WRITING.add(this);
        }

        void closeIfStuck(long now) {
            long since = writingSince;
            if (socket.isClosed()) {
                WRITING.remove(this);
            } else if (since != 0 && now - since > timeoutNanos) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the blocked write fails either way
                }
                WRITING.remove(this);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            long now = System.nanoTime();
            writingSince = now == 0 ? 1 : now;
            try {
                raw.write(b, off, len);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            raw.flush();
        }
    }

    private List<String> ehlo(String heloName) throws IOException, SetupRefused {
        command("EHLO " + heloName);
        Reply reply = read();
        if (reply.code() != 250) {
            command("HELO " + heloName);
            expect(read(), 250, "HELO");
            return List.of();
        }
        List<String> capabilities = new ArrayList<>();
        String[] lines = reply.text().split("\n");
        for (int i = 1; i < lines.length; i++) {
            capabilities.add(lines[i].substring(Math.min(4, lines[i].length())).trim().toUpperCase(Locale.ROOT));
        }
        return capabilities;
    }

    private static boolean has(List<String> capabilities, String name) {
        return capabilities.stream().anyMatch(c -> c.equals(name) || c.startsWith(name + " "));
    }

    private void login(String auth, String username, String password) throws IOException, SetupRefused {
        Base64.Encoder base64 = Base64.getEncoder();
        if (auth.contains("PLAIN")) {
            byte[] token = ("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8);
            command("AUTH PLAIN " + base64.encodeToString(token));
            expect(read(), 235, "AUTH");
        } else if (auth.contains("LOGIN")) {
            command("AUTH LOGIN");
            expect(read(), 334, "AUTH");
            command(base64.encodeToString(username.getBytes(StandardCharsets.UTF_8)));
            expect(read(), 334, "AUTH");
            command(base64.encodeToString(password.getBytes(StandardCharsets.UTF_8)));
            expect(read(), 235, "AUTH");
        } else {
            throw new SetupRefused("the server offers no AUTH mechanism this client speaks (PLAIN, LOGIN)");
        }
    }

    private static void expect(Reply reply, int code, String step) throws SetupRefused {
        if (reply.code() != code) {
            throw new SetupRefused(step + " refused: " + reply.text());
        }
    }

    boolean pipelining() {
        return pipelining;
    }

    /** Whether messages go with {@link #write} and {@link #result} (the server offers PIPELINING and CHUNKING). */
    boolean chunking() {
        return chunking;
    }

    /** False once the connection broke or was closed; such a connection is never used again. */
    boolean usable() {
        return !broken && socket != null && !socket.isClosed();
    }

    /** NOOP: whether a connection that sat idle is still there. */
    boolean alive() {
        if (!usable()) {
            return false;
        }
        try {
            command("NOOP");
            return read().code() == 250;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    /**
     * Sends one message: the server's final reply on success (it may name the queue id), else the kind of failure.
     *
     * @param message the message's bytes with CRLF or bare line ends; dot-stuffed here
     */
    Reply send(String mailFrom, String rcptTo, byte[] message) {
        return send(mailFrom, rcptTo, message, null, null);
    }

    /**
     * Sends one message and, when the server pipelines and {@code nextFrom} is given, the next message's envelope
     * (MAIL FROM, RCPT TO, DATA) behind this message's terminating dot, in the same write (RFC 2920): the next
     * message then costs one round trip, not two. Only the envelope goes ahead, never a byte of the next message's
     * content, so the next message is not sent until {@code send} is called for it (with the same envelope); a
     * connection that breaks in between or is {@link #abandon abandoned} has sent nothing of it. This message's
     * outcome is decided by its own replies, exactly as without the envelope behind it.
     *
     * @param nextFrom the next message's envelope sender, or null to send nothing ahead
     */
    Reply send(String mailFrom, String rcptTo, byte[] message, String nextFrom, String nextTo) {
        if (!written.isEmpty()) {
            // a caller bug: the replies of the messages written ahead would be taken for this one's
            abandon();
            throw new IllegalStateException("messages written with BDAT await their replies");
        }
        boolean dataMaySend = false;
        try {
            Reply mail;
            Reply rcpt;
            Reply data;
            Envelope ahead = this.ahead;
            this.ahead = null;
            if (ahead != null) {
                if (!ahead.from().equals(mailFrom) || !ahead.to().equals(rcptTo)) {
                    // a caller bug: the server is in the DATA of another message, which must never get this one's text
                    abandon();
                    throw new IllegalStateException("the envelope sent ahead was for another message");
                }
                mail = ahead.mail();
                rcpt = ahead.rcpt();
                data = ahead.data();
            } else if (pipelining) {
                buffer("MAIL FROM:<" + mailFrom + ">");
                buffer("RCPT TO:<" + rcptTo + ">");
                command("DATA");
                mail = read();
                rcpt = read();
                data = read();
            } else {
                command("MAIL FROM:<" + mailFrom + ">");
                mail = read();
                rcpt = mail.ok() ? commandReply("RCPT TO:<" + rcptTo + ">") : null;
                data = rcpt != null && rcpt.ok() ? commandReply("DATA") : null;
            }
            if (data != null && data.code() == 354 && (!mail.ok() || !rcpt.ok())) {
                // a server that starts DATA although it refused the envelope gets an empty message (RFC 2920 3.1)
                out.write(END_OF_DATA);
                out.flush();
                read();
            }
            if (!mail.ok()) {
                throw refusedAndReset(mail, false);
            }
            if (!rcpt.ok()) {
                throw refusedAndReset(rcpt, true);
            }
            if (data.code() != 354) {
                throw refusedAndReset(data, false);
            }
            dataMaySend = true;
            writeStuffed(message);
            out.write(END_OF_DATA);
            boolean sendAhead = pipelining && nextFrom != null && nextTo != null;
            if (sendAhead) {
                buffer("MAIL FROM:<" + nextFrom + ">");
                buffer("RCPT TO:<" + nextTo + ">");
                buffer("DATA");
            }
            out.flush();
            Reply accepted = read();
            if (sendAhead && accepted.code() != 421) {
                readAhead(nextFrom, nextTo);
            }
            if (!accepted.ok()) {
                // the server answered the message itself: it refused it, and the transaction is over
                broken |= accepted.code() == 421;
                throw refused(accepted, false);
            }
            return accepted;
        } catch (IOException e) {
            throw broke(dataMaySend ? "sending the message" : "sending", e);
        }
    }

    /** A message written with {@link #write} whose replies are not read yet. */
    private record Written(String from, String to) {
    }

    /** Messages written with BDAT whose replies are not read yet, oldest first. */
    private final java.util.ArrayDeque<Written> written = new java.util.ArrayDeque<>();

    /**
     * Buffers one whole transaction without waiting for any reply (only when {@link #chunking}): MAIL FROM, RCPT TO,
     * {@code BDAT <size> LAST} and the message's bytes with CRLF line ends (no dot-stuffing: BDAT counts bytes). It
     * goes out with the next buffer flush, at the latest when a {@link #result} is asked for; its outcome is that
     * {@link #result}. From the moment this is called the message may have reached the server.
     *
     * @throws MailSendException UNCERTAIN when the connection broke while writing (part of it may have gone out)
     */
    void write(String mailFrom, String rcptTo, byte[] message) {
        if (!chunking || ahead != null) {
            throw new IllegalStateException("BDAT without CHUNKING, or behind an envelope sent ahead");
        }
        written.add(new Written(mailFrom, rcptTo));
        try {
            if (!usable()) {
                throw new IOException("the connection is closed");
            }
            byte[] content = canonical(message);
            buffer("MAIL FROM:<" + mailFrom + ">");
            buffer("RCPT TO:<" + rcptTo + ">");
            buffer("BDAT " + content.length + " LAST");
            out.write(content);
        } catch (IOException e) {
            throw broke("writing a message", e);
        }
    }

    /** Whether messages were written with {@link #write} whose replies were not read. */
    boolean hasWritten() {
        return !written.isEmpty();
    }

    /**
     * The outcome of the oldest message {@link #write written} and not yet answered, from its own three replies
     * (MAIL, RCPT, BDAT), classified as {@link #send} classifies them: the server's final reply on success. A broken
     * connection is UNCERTAIN for it (it was written). A refusal ends its transaction (BDAT LAST ends it whatever the
     * reply, RFC 3030; the messages written behind it are separate transactions and get their own replies); RSET
     * follows only when nothing is written behind, since anything written now would come after them.
     */
    Reply result(String mailFrom, String rcptTo) {
        Written next = written.peekFirst();
        if (next == null || !next.from().equals(mailFrom) || !next.to().equals(rcptTo)) {
            abandon();
            throw new IllegalStateException("the message asked for is not the next one written");
        }
        written.pollFirst();
        try {
            if (broken || socket == null || socket.isClosed()) {
                throw new IOException("the connection broke before its reply was read");
            }
            out.flush();
            Reply mail = read();
            Reply rcpt = read();
            Reply bdat = read();
            if (!mail.ok()) {
                throw written.isEmpty() ? refusedAndReset(mail, false) : refusedBehind(mail, false);
            }
            if (!rcpt.ok()) {
                throw written.isEmpty() ? refusedAndReset(rcpt, true) : refusedBehind(rcpt, true);
            }
            if (!bdat.ok()) {
                throw refusedBehind(bdat, false);
            }
            return bdat;
        } catch (IOException e) {
            throw broke("sending the message", e);
        }
    }

    /**
     * The connection broke during an exchange (I/O failed): it is closed and never used again, and the message in
     * hand is UNCERTAIN, since part of it may have reached the server (INV-3: never sent again).
     */
    private MailSendException broke(String doing, IOException e) {
        broken = true;
        close();
        return new MailSendException(Kind.UNCERTAIN, "SMTP connection to " + host + " broke while " + doing + ": "
                + e.getMessage(), e);
    }

    /** A refusal after which nothing is written: a 421 means the server is closing the connection. */
    private MailSendException refusedBehind(Reply reply, boolean recipient) {
        broken |= reply.code() == 421;
        return refused(reply, recipient);
    }

    /**
     * The message with CRLF line ends, ending in CRLF, as the DATA path writes it (without its dot-stuffing); the
     * bytes themselves when they already are (the lean MIME writer's headers and encoded bodies are).
     */
    static byte[] canonical(byte[] message) {
        int n = message.length;
        boolean ok = n >= 2 && message[n - 2] == '\r' && message[n - 1] == '\n';
        for (int i = 0; ok && i < n; i++) {
            byte b = message[i];
            if (b == '\r') {
                ok = i + 1 < n && message[i + 1] == '\n';
                i++;
            } else if (b == '\n') {
                ok = false;
            }
        }
        if (ok) {
            return message;
        }
        java.io.ByteArrayOutputStream crlf = new java.io.ByteArrayOutputStream(n + n / 16 + 2);
        boolean lineStart = true;
        for (int i = 0; i < n; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < n && message[i + 1] == '\n') {
                    i++;
                }
                crlf.write('\r');
                crlf.write('\n');
                lineStart = true;
            } else {
                crlf.write(b);
                lineStart = false;
            }
        }
        if (!lineStart) {
            crlf.write('\r');
            crlf.write('\n');
        }
        return crlf.toByteArray();
    }

    /** The next message's envelope, sent behind the previous message, and the server's replies to it. */
    private record Envelope(String from, String to, Reply mail, Reply rcpt, Reply data) {
    }

    private Envelope ahead;

    /**
     * The replies to the envelope sent ahead, once this message's own reply is in. If they cannot be read, this
     * message's outcome stands (its reply was read) and the connection is closed: the next message's content was
     * never sent, so it goes out on another connection.
     */
    private void readAhead(String nextFrom, String nextTo) {
        try {
            ahead = new Envelope(nextFrom, nextTo, read(), read(), read());
        } catch (IOException e) {
            broken = true;
            close();
        }
    }

    /** Whether an envelope was sent ahead and awaits its message. */
    boolean hasEnvelopeAhead() {
        return ahead != null;
    }

    /** Whether the envelope of this message is already on this connection (sent ahead behind the previous one). */
    boolean hasEnvelopeAhead(String mailFrom, String rcptTo) {
        Envelope e = ahead;
        return e != null && e.from().equals(mailFrom) && e.to().equals(rcptTo);
    }

    /**
     * Drops a connection whose envelope sent ahead will not be used (the send loop stopped before that message):
     * the server may be waiting for that message's content after its 354, and anything written now, even QUIT, would
     * become that content; closing the socket without the terminating dot makes it discard the transaction.
     */
    void abandon() {
        ahead = null;
        written.clear();
        broken = true;
        close();
    }

    /** The refusal to throw; the transaction is reset, and a connection that cannot be reset is not used again. */
    private MailSendException refusedAndReset(Reply reply, boolean recipient) {
        MailSendException refused = refused(reply, recipient);
        if (reply.code() == 421) {
            // the server is closing the connection
            broken = true;
            return refused;
        }
        try {
            command("RSET");
            if (read().code() != 250) {
                broken = true;
            }
        } catch (IOException e) {
            // nothing of the message was sent: the refusal stands, the connection is done
            broken = true;
        }
        return refused;
    }

    /** As {@link SmtpMailProvider} classifies Jakarta Mail's refusals: 421 is "not sent", anything else refused. */
    static MailSendException refused(Reply reply, boolean recipient) {
        if (reply.code() == 421) {
            return new MailSendException(Kind.NOT_SENT, "SMTP service unavailable: " + reply.text());
        }
        return new MailSendException(Kind.REJECTED, recipient,
                (recipient ? "recipient refused: " : "message refused: ") + reply.text(), null);
    }

    /**
     * CRLF line ends and a second dot before each line that starts with one; written in runs, not byte by byte.
     */
    private void writeStuffed(byte[] message) throws IOException {
        int runStart = 0;
        boolean lineStart = true;
        int n = message.length;
        for (int i = 0; i < n; i++) {
            byte b = message[i];
            if (b == '\r') {
                if (i + 1 < n && message[i + 1] == '\n') {
                    i++;
                } else {
                    // a bare CR becomes CRLF
                    out.write(message, runStart, i - runStart);
                    out.write(CRLF);
                    runStart = i + 1;
                }
                lineStart = true;
            } else if (b == '\n') {
                // a bare LF becomes CRLF
                out.write(message, runStart, i - runStart);
                out.write(CRLF);
                runStart = i + 1;
                lineStart = true;
            } else {
                if (lineStart && b == '.') {
                    out.write(message, runStart, i - runStart);
                    out.write('.');
                    runStart = i;
                }
                lineStart = false;
            }
        }
        out.write(message, runStart, n - runStart);
        if (!lineStart) {
            out.write(CRLF);
        }
    }

    private void buffer(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
    }

    private void command(String command) throws IOException {
        buffer(command);
        out.flush();
    }

    private Reply commandReply(String command) throws IOException {
        command(command);
        return read();
    }

    /** One reply, multi-line ones ("250-...") joined with LF. */
    private Reply read() throws IOException {
        StringBuilder text = null;
        while (true) {
            int length = readLine();
            if (length < 3) {
                throw new IOException("malformed SMTP reply");
            }
            int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
            if (code < 100 || code > 599) {
                throw new IOException("malformed SMTP reply");
            }
            boolean more = length > 3 && line[3] == '-';
            String current = new String(line, 0, length, StandardCharsets.UTF_8);
            if (!more && text == null) {
                return new Reply(code, current);
            }
            text = text == null ? new StringBuilder(current) : text.append('\n').append(current);
            if (!more) {
                return new Reply(code, text.toString());
            }
        }
    }

    /** A line without its CRLF; a line longer than the buffer is cut (only its code matters). */
    private int readLine() throws IOException {
        int length = 0;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int stored = Math.min(length, line.length);
                return stored > 0 && line[stored - 1] == '\r' ? stored - 1 : stored;
            }
            if (length < line.length) {
                line[length] = (byte) b;
            }
            length++;
        }
        throw new IOException("connection closed by the server");
    }

    @Override
    public void close() {
        Socket s = socket;
        if (s == null || s.isClosed()) {
            return;
        }
        // (with an envelope ahead the server is in a message's DATA: QUIT would be its text; no dot follows either way;
        // with messages written whose replies were not read, the lane stopped early: it drops them unanswered)
        if (!broken && ahead == null && written.isEmpty()) {
            try {
                command("QUIT");
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a broken connection
        }
    }
}
