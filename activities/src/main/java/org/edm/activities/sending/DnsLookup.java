package org.edm.activities.sending;

import org.springframework.stereotype.Component;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Asks the configured resolver directly, one query per name and type, with no cache of our own: "check now" must
 * see what DNS says now. NXDOMAIN and an empty answer are both "no records"; a timeout or SERVFAIL is
 * {@link DnsUnavailableException}, never "no records", so a flaky resolver cannot mark a domain FAILING.
 */
@Component
public class DnsLookup {

    /** The resolver did not give an answer we can trust either way. */
    public static final class DnsUnavailableException extends RuntimeException {
        DnsUnavailableException(String message) {
            super(message);
        }
    }

    private final Resolver resolver;
    private final String description;

    public DnsLookup(DnsProperties properties) {
        String configured = properties.resolver() == null ? "" : properties.resolver().trim();
        try {
            if (configured.isEmpty()) {
                resolver = new ExtendedResolver();
                description = "the system resolvers";
            } else {
                int colon = configured.lastIndexOf(':');
                boolean withPort = colon > 0 && configured.indexOf(':') == colon;
                String host = withPort ? configured.substring(0, colon) : configured;
                int port = withPort ? Integer.parseInt(configured.substring(colon + 1)) : 53;
                resolver = new SimpleResolver(new InetSocketAddress(host, port));
                description = "resolver " + configured;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("edm.dns.resolver must be host or host:port, not " + configured, e);
        }
        resolver.setTimeout(properties.timeout());
    }

    /** TXT values at {@code name}, each record's strings joined (how SPF and DKIM read long records). */
    public List<String> txt(String name) {
        List<String> values = new ArrayList<>();
        for (Record record : query(name, Type.TXT)) {
            if (record instanceof TXTRecord txt) {
                values.add(String.join("", txt.getStrings()));
            }
        }
        return values;
    }

    /** MX targets at {@code name}, lower case without the trailing dot. */
    public List<String> mx(String name) {
        List<String> values = new ArrayList<>();
        for (Record record : query(name, Type.MX)) {
            if (record instanceof MXRecord mx) {
                values.add(withoutDot(mx.getTarget().toString()));
            }
        }
        return values;
    }

    /** CNAME target at {@code name}, lower case without the trailing dot. */
    public List<String> cname(String name) {
        List<String> values = new ArrayList<>();
        for (Record record : query(name, Type.CNAME)) {
            values.add(withoutDot(record.rdataToString()));
        }
        return values;
    }

    private List<Record> query(String name, int type) {
        Message response;
        try {
            Name absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
            response = resolver.send(Message.newQuery(Record.newRecord(absolute, type, DClass.IN)));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        } catch (IOException e) {
            throw new DnsUnavailableException(description + " did not answer " + Type.string(type) + " " + name
                    + ": " + e.getMessage());
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return List.of();
        }
        if (rcode != Rcode.NOERROR) {
            throw new DnsUnavailableException(description + " answered " + Rcode.string(rcode) + " for "
                    + Type.string(type) + " " + name);
        }
        return response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type).toList();
    }

    private static String withoutDot(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    @Override
    public String toString() {
        return "DnsLookup[" + description + "]";
    }
}
