package org.edm.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lean SMTP sink for benchmarks: accepts any login (AUTH PLAIN), counts each message and notes when the first and
 * the last arrived; no parsing beyond the command verb, no storage. GreenMail costs more CPU per message than the send
 * path it would be measuring (TOOLCHAIN.md), this costs a few microseconds: lines are scanned as bytes (no String per
 * DATA line) and replies are flushed only when the client has nothing more buffered, so a client that pipelines
 * (RFC 2920, offered in the EHLO reply) gets its replies for a whole group in one write. It offers CHUNKING too, as
 * Postfix does by default, and takes {@code BDAT <size> [LAST]} as Postfix does: the chunk's bytes exactly (skipped,
 * not scanned), "554 no valid recipients" without a RCPT, the message counted at LAST. Listens on loopback, on a
 * port the OS chooses.
 */
final class CountingSmtpSink implements AutoCloseable {

    private static final byte[] GREETING = ascii("220 sink ESMTP\r\n");
    /** What Postfix offers (AUTH: PLAIN only, all the sink answers), so a client sees what a real server offers. */
    private static final String POSTFIX_EHLO = "250-sink\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
            + "250-ETRN\r\n250-AUTH PLAIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n"
            + "250-SMTPUTF8\r\n";
    private static final byte[] NO_RECIPIENTS = ascii("554 5.5.1 Error: no valid recipients\r\n");
    private static final byte[] BAD_BDAT = ascii("501 5.5.4 Syntax: BDAT count [LAST]\r\n");
    private static final byte[] OK = ascii("250 2.0.0 Ok\r\n");
    private static final byte[] AUTH_OK = ascii("235 ok\r\n");
    private static final byte[] GO_ON = ascii("354 go on\r\n");
    private static final byte[] BYE = ascii("221 bye\r\n");

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smtp-sink");
        t.setDaemon(true);
        return t;
    });
    /** What EHLO answers: Postfix's capabilities, CHUNKING included unless the benchmark turns it off. */
    private final byte[] ehlo;
    final AtomicInteger received = new AtomicInteger();
    /** Of those, the messages that came with BDAT. */
    final AtomicInteger chunked = new AtomicInteger();
    final AtomicLong firstNanos = new AtomicLong();
    final AtomicLong lastNanos = new AtomicLong();

    CountingSmtpSink() throws IOException {
        this(true);
    }

    /** @param chunking whether EHLO offers CHUNKING (the benchmark's A/B of the lanes' BDAT writes turns it off) */
    CountingSmtpSink(boolean chunking) throws IOException {
        ehlo = ascii(POSTFIX_EHLO + (chunking ? "250 CHUNKING\r\n" : "250 XSINK\r\n"));
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "smtp-sink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Forgets what was counted (between two phases of a benchmark). */
    void reset() {
        received.set(0);
        firstNanos.set(0);
        lastNanos.set(0);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                connections.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        converse(socket);
    }

    /**
     * CPU time so far of the live connection threads (a phase's share is the difference of two readings; the
     * worker's pooled connections outlive a phase, and an idle pool thread lives 60 s, longer than any gap between
     * two readings of one phase).
     */
    long cpuNanos() {
        long total = 0;
        for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && "smtp-sink".equals(info.getThreadName())) {
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, nanos);
            }
        }
        return total;
    }

    private void converse(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
             OutputStream out = socket.getOutputStream()) {
            Replies replies = new Replies(out, in);
            replies.send(GREETING);
            byte[] line = new byte[1024];
            byte[] skipped = null;
            boolean recipients = false;
            int n;
            while ((n = readLine(in, line)) >= 0) {
                int verb = n >= 4 ? (upper(line[0]) << 24 | upper(line[1]) << 16 | upper(line[2]) << 8 | upper(line[3]))
                        : 0;
                switch (verb) {
                    case 0x45484C4F /* EHLO */ -> replies.send(ehlo);
                    case 0x4D41494C /* MAIL */, 0x52534554 /* RSET */ -> {
                        recipients = false;
                        replies.send(OK);
                    }
                    case 0x52435054 /* RCPT */ -> {
                        recipients = true;
                        replies.send(OK);
                    }
                    case 0x42444154 /* BDAT */ -> {
                        long size = 0;
                        int i = 5;
                        while (i < n && line[i] >= '0' && line[i] <= '9' && size < Integer.MAX_VALUE) {
                            size = size * 10 + (line[i++] - '0');
                        }
                        if (n < 6 || line[4] != ' ' || i == 5 || (i < n && line[i] != ' ')) {
                            replies.send(BAD_BDAT);
                            continue;
                        }
                        boolean last = n - i == 5 && upper(line[i + 1]) == 'L' && upper(line[i + 2]) == 'A'
                                && upper(line[i + 3]) == 'S' && upper(line[i + 4]) == 'T';
                        if (skipped == null) {
                            skipped = new byte[8192];
                        }
                        // the chunk's bytes are the message: counted, not scanned
                        for (long left = size; left > 0; ) {
                            int r = in.read(skipped, 0, (int) Math.min(left, skipped.length));
                            if (r < 0) {
                                return;
                            }
                            left -= r;
                        }
                        if (!recipients) {
                            replies.send(NO_RECIPIENTS);
                        } else if (!last) {
                            replies.send(ascii("250 2.0.0 Ok: " + size + " bytes\r\n"));
                        } else {
                            chunked.incrementAndGet();
                            replies.send(queued());
                        }
                        if (last) {
                            // BDAT LAST ends the transaction whatever its reply (Postfix)
                            recipients = false;
                        }
                    }
                    case 0x48454C4F /* HELO */ -> replies.send(OK);
                    case 0x41555448 /* AUTH */ -> replies.send(AUTH_OK);
                    case 0x44415441 /* DATA */ -> {
                        replies.send(GO_ON);
                        int d;
                        while ((d = readLine(in, line)) >= 0 && !(d == 1 && line[0] == '.')) {
                            // discarded
                        }
                        recipients = false;
                        replies.send(queued());
                    }
                    case 0x51554954 /* QUIT */ -> {
                        replies.send(BYE);
                        return;
                    }
                    default -> replies.send(OK);
                }
            }
        } catch (IOException dropped) {
            // the client went away
        }
    }

    /** Counts a message and notes when it came; Postfix's reply, with the message's number as its queue id. */
    private byte[] queued() {
        long now = System.nanoTime();
        firstNanos.compareAndSet(0, now);
        lastNanos.set(now);
        return ascii("250 2.0.0 Ok: queued as " + received.incrementAndGet() + "\r\n");
    }

    /** Reads one line into {@code buf} (truncated to its size, CRLF dropped); its length, or -1 at the end. */
    private static int readLine(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return n > 0 && n <= buf.length && buf[n - 1] == '\r' ? n - 1 : n;
            }
            if (n < buf.length) {
                buf[n] = (byte) b;
            }
            n++;
        }
        return n == 0 ? -1 : n;
    }

    private static int upper(byte b) {
        return b >= 'a' && b <= 'z' ? b - 32 : b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Buffers replies while the client has more commands in flight (pipelining), flushes when it waits. */
    private static final class Replies {
        private final OutputStream out;
        private final InputStream in;
        private final byte[] buffer = new byte[8 * 1024];
        private int length;

        Replies(OutputStream out, InputStream in) {
            this.out = out;
            this.in = in;
        }

        void send(byte[] reply) throws IOException {
            if (length + reply.length > buffer.length) {
                flush();
            }
            System.arraycopy(reply, 0, buffer, length, reply.length);
            length += reply.length;
            if (in.available() == 0) {
                flush();
            }
        }

        private void flush() throws IOException {
            out.write(buffer, 0, length);
            out.flush();
            length = 0;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }
}
