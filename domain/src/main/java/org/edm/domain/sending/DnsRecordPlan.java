package org.edm.domain.sending;

import java.util.List;
import java.util.Locale;

/**
 * The DNS records a sending domain's owner publishes (seed 004 step 5), each with its expected value. What counts as
 * a match is decided by the DNS check; the values here are what the owner copies into their DNS provider.
 *
 * <ul>
 *   <li>OWNERSHIP, TXT {@code _edm-verify.<domain>} = {@code edm-verify=<token>}: proves this account controls the
 *       domain (two accounts may add the same name; only the one whose token is published verifies).</li>
 *   <li>SPF, TXT {@code <domain>}: an SPF record containing {@code include:<spf include>}. The owner merges the
 *       include into the SPF record they already have (a name must have one SPF record only).</li>
 *   <li>DKIM, TXT {@code <selector>._domainkey.<domain>} = {@code v=DKIM1; k=rsa; p=<public key>}.</li>
 *   <li>DMARC, TXT {@code _dmarc.<domain>}: any record starting {@code v=DMARC1}; {@code p=none} is suggested.
 *       Required, because Gmail and Yahoo refuse bulk mail from domains without DMARC since 2024.</li>
 *   <li>MX, {@code <return-path label>.<domain>} → the provider's bounce host: the return-path (envelope sender)
 *       domain that receives bounces. A subdomain, so the domain's own inbound mail is left alone.</li>
 * </ul>
 */
public final class DnsRecordPlan {

    /**
     * @param spfInclude      what the SPF record must include, e.g. {@code spf.dm.aliyun.com}
     * @param returnPathLabel the subdomain label of the return-path host, e.g. {@code bounce}
     * @param mxHost          the MX target of the return-path host, e.g. {@code mxdm.aliyun.com}
     */
    public record Settings(String spfInclude, String returnPathLabel, String mxHost) {
    }

    public record Planned(DnsRecordPurpose purpose, DnsRecordType type, String host, String expectedValue,
                          boolean required) {
    }

    public static final String OWNERSHIP_LABEL = "_edm-verify";
    public static final String OWNERSHIP_PREFIX = "edm-verify=";

    private DnsRecordPlan() {
    }

    public static List<Planned> plan(String domain, String token, String dkimSelector, String dkimPublicKey,
                                     Settings settings) {
        String d = domain.toLowerCase(Locale.ROOT);
        return List.of(
                new Planned(DnsRecordPurpose.OWNERSHIP, DnsRecordType.TXT, OWNERSHIP_LABEL + "." + d,
                        OWNERSHIP_PREFIX + token, true),
                new Planned(DnsRecordPurpose.SPF, DnsRecordType.TXT, d,
                        "v=spf1 include:" + settings.spfInclude() + " ~all", true),
                new Planned(DnsRecordPurpose.DKIM, DnsRecordType.TXT, dkimSelector + "._domainkey." + d,
                        "v=DKIM1; k=rsa; p=" + dkimPublicKey, true),
                new Planned(DnsRecordPurpose.DMARC, DnsRecordType.TXT, "_dmarc." + d, "v=DMARC1; p=none", true),
                new Planned(DnsRecordPurpose.MX, DnsRecordType.MX, settings.returnPathLabel() + "." + d,
                        settings.mxHost(), true));
    }
}
