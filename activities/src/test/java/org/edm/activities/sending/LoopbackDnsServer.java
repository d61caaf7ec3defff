package org.edm.activities.sending;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server on a loopback UDP port, answering from a map the test changes as it goes:
 * TXT and MX records by name; NXDOMAIN for a name with no records at all; SERVFAIL, or silence, when told to.
 */
public final class LoopbackDnsServer implements AutoCloseable {

    public enum Mode { ANSWER, SERVFAIL, SILENT }

    private record Key(String name, int type) {
    }

    private final DatagramSocket socket;
    private final Map<Key, List<Record>> records = new ConcurrentHashMap<>();
    private final Thread thread;
    private final AtomicInteger queries = new AtomicInteger();
    private volatile Mode mode = Mode.ANSWER;

    public LoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public int queries() {
        return queries.get();
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** Publishes a TXT record (strings over 255 characters are split, as DNS providers do). */
    public LoopbackDnsServer txt(String name, String value) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            strings.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        add(name, Type.TXT, new TXTRecord(absolute(name), DClass.IN, 60, strings));
        return this;
    }

    public LoopbackDnsServer mx(String name, int priority, String target) {
        add(name, Type.MX, new MXRecord(absolute(name), DClass.IN, 60, priority, absolute(target)));
        return this;
    }

    /** Removes every record of {@code type} at {@code name}. */
    public LoopbackDnsServer remove(String name, int type) {
        records.remove(new Key(key(name), type));
        return this;
    }

    private void add(String name, int type, Record record) {
        records.computeIfAbsent(new Key(key(name), type), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(record);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                queries.incrementAndGet();
                if (mode == Mode.SILENT) {
                    continue;
                }
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire(65535);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        if (mode == Mode.SERVFAIL) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        String name = key(question.getName().toString());
        boolean nameExists = records.entrySet().stream()
                .anyMatch(e -> e.getKey().name().equals(name) && !e.getValue().isEmpty());
        if (!nameExists) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        for (Record record : records.getOrDefault(new Key(name, question.getType()), List.of())) {
            response.addRecord(record, Section.ANSWER);
        }
        return response;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private static Name absolute(String name) {
        try {
            return Name.fromString(key(name));
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
