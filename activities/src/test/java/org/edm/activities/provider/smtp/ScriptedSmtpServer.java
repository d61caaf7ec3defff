package org.edm.activities.provider.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback SMTP server whose replies a test scripts, to see how the lean client behaves when a server refuses or
 * drops a message in the middle of a pipelined exchange. With {@code pipelining} it offers PIPELINING and holds its
 * replies to MAIL FROM and RCPT TO until DATA arrives, as a real pipelining server may: a client that waited for
 * each reply would hang (the tests time out). It records every command and every message (still dot-stuffed, as
 * it came over the wire). With {@code chunking} it also offers CHUNKING and takes {@code BDAT <size> [LAST]} as
 * Postfix does: the chunk's bytes exactly, "554 no valid recipients" when the envelope was refused, and the
 * transaction ends with BDAT LAST whatever its reply; its replies are flushed when it has read all the client wrote.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    /** Returned by the script to close the connection without a reply. */
    static final String DROP = "DROP";

    private final ServerSocket server;
    private final java.util.concurrent.CountDownLatch stallDataUntil;
    private final boolean pipelining;
    private final boolean chunking;
    private final Function<String, String> script;
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<String> messages = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    /**
     * Messages whose end (terminating dot, or last BDAT chunk) came with more bytes behind it already there: the
     * client wrote ahead of this message's reply.
     */
    final AtomicInteger sentBehindDot = new AtomicInteger();
    /** BDAT commands received. */
    final AtomicInteger chunks = new AtomicInteger();

    /**
     * @param script the reply to a command ("MAIL FROM:&lt;..&gt;", "RCPT TO:&lt;..&gt;", "DATA", or "." for the end
     *               of a message's data), or null for the usual positive one, or {@link #DROP}
     */
    ScriptedSmtpServer(boolean pipelining, Function<String, String> script) throws IOException {
        this(pipelining, script, null);
    }

    /** @param stallDataUntil when set, the server stops reading after its 354 until this opens (a stuck server) */
    ScriptedSmtpServer(boolean pipelining, Function<String, String> script,
                       java.util.concurrent.CountDownLatch stallDataUntil) throws IOException {
        this(pipelining, false, script, stallDataUntil);
    }

    /** @param chunking offers CHUNKING as well (only with {@code pipelining}) */
    ScriptedSmtpServer(boolean pipelining, boolean chunking, Function<String, String> script,
                       java.util.concurrent.CountDownLatch stallDataUntil) throws IOException {
        this.chunking = chunking;
        this.stallDataUntil = stallDataUntil;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.pipelining = pipelining;
        this.script = script;
        Thread acceptor = new Thread(this::accept, "scripted-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread session = new Thread(() -> serve(socket), "scripted-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            reply(out, "220 scripted ESMTP", true);
            String line;
            boolean envelopeRefused = false;
            ByteArrayOutputStream bdat = new ByteArrayOutputStream();
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    reply(out, !pipelining ? "250 scripted" : chunking
                            ? "250-scripted\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 CHUNKING"
                            : "250-scripted\r\n250-PIPELINING\r\n250 8BITMIME", true);
                } else if (upper.startsWith("MAIL") || upper.startsWith("RCPT")) {
                    String answer = script.apply(line);
                    if (DROP.equals(answer)) {
                        return;
                    }
                    envelopeRefused |= answer != null && !answer.startsWith("2");
                    // a pipelining server answers the envelope together with DATA
                    reply(out, answer == null ? "250 2.1.0 Ok" : answer, !pipelining);
                } else if (upper.equals("DATA")) {
                    String answer = script.apply(line);
                    if (DROP.equals(answer)) {
                        return;
                    }
                    if (answer == null && envelopeRefused) {
                        answer = "554 5.5.1 Error: no valid recipients";
                    }
                    envelopeRefused = false;
                    reply(out, answer == null ? "354 End data with <CR><LF>.<CR><LF>" : answer, true);
                    if (answer == null || answer.startsWith("354")) {
                        if (stallDataUntil != null) {
                            try {
                                stallDataUntil.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return;
                        }
                        ByteArrayOutputStream message = new ByteArrayOutputStream();
                        String dataLine;
                        while (!".".equals(dataLine = readLine(in))) {
                            if (dataLine == null) {
                                return;
                            }
                            message.writeBytes((dataLine + "\r\n").getBytes(StandardCharsets.UTF_8));
                        }
                        messages.add(message.toString(StandardCharsets.UTF_8));
                        if (in.available() > 0) {
                            // the client wrote more behind the dot before it had the reply (the next envelope)
                            sentBehindDot.incrementAndGet();
                        }
                        String end = script.apply(".");
                        if (DROP.equals(end)) {
                            return;
                        }
                        reply(out, end == null ? "250 2.0.0 Ok: queued as Q" + messages.size() : end, true);
                    }
                } else if (chunking && upper.startsWith("BDAT ")) {
                    chunks.incrementAndGet();
                    String[] words = line.split(" ");
                    boolean last = words.length > 2 && words[2].equalsIgnoreCase("LAST");
                    byte[] chunk = in.readNBytes(Integer.parseInt(words[1]));
                    if (chunk.length < Integer.parseInt(words[1])) {
                        return;
                    }
                    bdat.writeBytes(chunk);
                    String answer;
                    if (envelopeRefused) {
                        answer = "554 5.5.1 Error: no valid recipients";
                    } else if (!last) {
                        answer = "250 2.0.0 Ok: " + chunk.length + " bytes";
                    } else {
                        messages.add(bdat.toString(StandardCharsets.UTF_8));
                        if (in.available() > 0) {
                            sentBehindDot.incrementAndGet();
                        }
                        answer = script.apply(".");
                        if (DROP.equals(answer)) {
                            return;
                        }
                        if (answer == null) {
                            answer = "250 2.0.0 Ok: queued as Q" + messages.size();
                        }
                    }
                    if (last) {
                        envelopeRefused = false;
                        bdat.reset();
                    }
                    reply(out, answer, in.available() == 0);
                } else if (upper.equals("RSET")) {
                    bdat.reset();
                    envelopeRefused = false;
                    reply(out, "250 Ok", true);
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 bye", true);
                    return;
                } else {
                    reply(out, "250 Ok", true);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String reply, boolean flush) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (flush) {
            out.flush();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
