package org.edm.activities.sending;

import org.edm.activities.provider.aliyun.AliyunDmAdmin.ProviderDomain;
import org.edm.domain.sending.DnsRecordPurpose;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which of the records Aliyun DirectMail asks for (DescDomain) the domain's owner must publish besides ours, and how
 * DirectMail's own verdict on them reads. The decisions:
 * <ul>
 *   <li>its ownership TXT ({@code DomainType} at {@code HostRecord}, {@code aliyundm.<domain>} when no host is
 *       given): always, required: DirectMail verifies nothing without it;</li>
 *   <li>its SPF include ({@code SpfRecord}): only when it differs from ours, required, at the same name as ours, so
 *       both includes go into the one SPF record (two SPF records fail);</li>
 *   <li>its DKIM key ({@code DkimRR} + {@code DkimPublicKey}): always when given, required: DirectMail signs with
 *       its own key when it sends through its SMTP interface, and that signature must verify;</li>
 *   <li>its MX ({@code MxRecord} on the domain itself): shown but not required by us, since it would replace the
 *       domain's inbound mail; if DirectMail insists on it, its verdict on the record says so (REFUSED).</li>
 * </ul>
 */
final class ProviderRecords {

    /** A record to publish for DirectMail. */
    record Row(DnsRecordPurpose purpose, String type, String host, String expected, boolean required) {
    }

    /** DirectMail's verdict on a record: VERIFIED or REFUSED, and what to do about a refusal. */
    record Judged(String status, String reason) {
    }

    static final String OWNERSHIP_LABEL = "aliyundm";

    private ProviderRecords() {
    }

    static List<Row> rows(String domain, ProviderDomain d, String ourSpf) {
        List<Row> rows = new ArrayList<>();
        if (d.ownershipValue() != null) {
            rows.add(new Row(DnsRecordPurpose.PROVIDER_OWNERSHIP, "TXT",
                    qualify(d.hostRecord() != null ? d.hostRecord() : OWNERSHIP_LABEL, domain), d.ownershipValue(),
                    true));
        }
        String include = include(d.spfRecord());
        if (include != null && !include.equalsIgnoreCase(include(ourSpf))) {
            rows.add(new Row(DnsRecordPurpose.PROVIDER_SPF, "TXT", domain, "v=spf1 " + include + " ~all", true));
        }
        if (d.dkimPublicKey() != null && d.dkimHost() != null) {
            String key = d.dkimPublicKey();
            rows.add(new Row(DnsRecordPurpose.PROVIDER_DKIM, "TXT", qualify(d.dkimHost(), domain),
                    key.toLowerCase(Locale.ROOT).startsWith("v=dkim1") ? key : "v=DKIM1; k=rsa; p=" + key, true));
        }
        if (d.mxRecord() != null) {
            rows.add(new Row(DnsRecordPurpose.PROVIDER_MX, "MX", domain, d.mxRecord(), false));
        }
        return rows;
    }

    /** {@code include:x} of an SPF value ("include:x", or a whole "v=spf1 ... include:x ~all"); null if none. */
    static String include(String spf) {
        if (spf == null) {
            return null;
        }
        for (String term : spf.trim().split("\\s+")) {
            String t = term.startsWith("+") ? term.substring(1) : term;
            if (t.toLowerCase(Locale.ROOT).startsWith("include:")) {
                return "include:" + t.substring("include:".length()).toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** A host DirectMail gives relative ("aliyundm") or absolute ("aliyundm.example.com"), as an absolute name. */
    static String qualify(String host, String domain) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        String d = domain.toLowerCase(Locale.ROOT);
        return h.equals(d) || h.endsWith("." + d) ? h : h.isEmpty() || h.equals("@") ? d : h + "." + d;
    }

    /**
     * DirectMail's verdict on one of the domain's records, from DescDomain's {@code *AuthStatus} ("0" passed): its
     * own records, and our SPF record when DirectMail's include is the same as ours. Null when DirectMail does not
     * judge the record (our DKIM, DMARC, return-path MX) or did not say.
     */
    static Judged judge(DnsRecordPurpose purpose, String type, String host, String expected, ProviderDomain d,
                        List<DnsRecordPurpose> present) {
        String status = switch (purpose) {
            case PROVIDER_OWNERSHIP -> d.txtAuthStatus();
            case PROVIDER_SPF -> d.spfAuthStatus();
            case SPF -> present.contains(DnsRecordPurpose.PROVIDER_SPF) ? null : d.spfAuthStatus();
            case PROVIDER_DKIM -> d.dkimAuthStatus();
            case PROVIDER_MX -> d.mxAuthStatus();
            default -> null;
        };
        if (status == null) {
            return null;
        }
        if ("0".equals(status)) {
            return new Judged("VERIFIED", null);
        }
        return new Judged("REFUSED", "Aliyun DirectMail's own check does not find this record: publish a " + type
                + " record at " + host + " with the value " + (expected.length() > 80 ? expected.substring(0, 80)
                + "…" : expected) + (purpose == DnsRecordPurpose.SPF || purpose == DnsRecordPurpose.PROVIDER_SPF
                ? " (in the name's one SPF record)" : "") + "; DirectMail may take some minutes to see a change");
    }
}
