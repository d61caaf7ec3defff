package org.edm.activities.sending;

import org.edm.domain.sending.DnsRecordPurpose;
import org.edm.domain.sending.DnsRecordStatus;

import java.util.List;
import java.util.Locale;

/**
 * Whether what DNS holds at a record's name satisfies it. Lenient where publishing allows variants, strict where a
 * receiver would be:
 * <ul>
 *   <li>OWNERSHIP: a TXT equal to the expected {@code edm-verify=<token>};</li>
 *   <li>SPF: exactly one TXT that is an SPF record ({@code v=spf1}), and it has {@code include:<our include>}
 *       (two SPF records are a permanent error for receivers, RFC 7208 §4.5);</li>
 *   <li>DKIM: a TXT whose {@code p=} tag is our public key (whitespace and tag order do not matter);</li>
 *   <li>DMARC: a TXT starting {@code v=DMARC1} (the owner chooses the policy);</li>
 *   <li>MX and CNAME: a target equal to the expected host, any priority.</li>
 * </ul>
 */
final class DnsRecordMatcher {

    /** What a check found: the status and the value worth showing (the matching one, else all that were there). */
    record Observation(DnsRecordStatus status, String observed) {
    }

    static final int MAX_OBSERVED = 2000;

    private DnsRecordMatcher() {
    }

    static Observation match(DnsRecordPurpose purpose, String expected, List<String> values) {
        if (values.isEmpty()) {
            return new Observation(DnsRecordStatus.MISSING, null);
        }
        return switch (purpose.matchedAs()) {
            case OWNERSHIP -> firstMatching(values, v -> v.trim().equals(expected.trim()));
            case SPF -> spf(expected, values);
            case DKIM -> firstMatching(values, v -> {
                String p = tag(v, "p");
                return p != null && p.equals(tag(expected, "p"));
            });
            case DMARC -> firstMatching(values, v -> v.trim().toUpperCase(Locale.ROOT).startsWith("V=DMARC1"));
            case MX, RETURN_PATH -> firstMatching(values, v -> host(v).equals(host(expected)));
            default -> throw new IllegalArgumentException("no matching rule for " + purpose);
        };
    }

    private static Observation spf(String expected, List<String> values) {
        List<String> spf = values.stream().filter(v -> {
            String t = v.trim().toLowerCase(Locale.ROOT);
            return t.equals("v=spf1") || t.startsWith("v=spf1 ");
        }).toList();
        if (spf.size() != 1) {
            return new Observation(DnsRecordStatus.MISMATCHED, observed(spf.isEmpty() ? values : spf));
        }
        String include = expected.split("\\s+")[1].toLowerCase(Locale.ROOT);
        boolean has = List.of(spf.get(0).toLowerCase(Locale.ROOT).split("\\s+")).stream()
                .anyMatch(term -> term.equals(include) || term.equals("+" + include));
        return new Observation(has ? DnsRecordStatus.MATCHED : DnsRecordStatus.MISMATCHED, observed(spf));
    }

    private static Observation firstMatching(List<String> values, java.util.function.Predicate<String> matches) {
        for (String value : values) {
            if (matches.test(value)) {
                return new Observation(DnsRecordStatus.MATCHED, truncate(value));
            }
        }
        return new Observation(DnsRecordStatus.MISMATCHED, observed(values));
    }

    /** A tag's value in a {@code k=v; k=v} record, whitespace removed (DKIM allows folding inside p=). */
    static String tag(String record, String name) {
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).replaceAll("\\s+", "");
            }
        }
        return null;
    }

    private static String host(String value) {
        String h = value.trim().toLowerCase(Locale.ROOT);
        int space = h.lastIndexOf(' ');
        h = space >= 0 ? h.substring(space + 1) : h; // "10 mx.example.com" as well as "mx.example.com"
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static String observed(List<String> values) {
        return truncate(String.join(" | ", values));
    }

    private static String truncate(String value) {
        return value.length() <= MAX_OBSERVED ? value : value.substring(0, MAX_OBSERVED) + "…";
    }
}
