package org.edm.api.sending;

import org.edm.domain.sending.DnsRecordPlan;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the DNS records of a new sending domain ask for (seed 004 step 5). Changing these affects domains added
 * afterwards; existing ones keep the records they were given.
 *
 * @param spfInclude      the SPF include of the sending provider (EDM_DOMAINS_SPF_INCLUDE)
 * @param returnPathLabel the return-path subdomain that gets the MX record (EDM_DOMAINS_RETURN_PATH_LABEL)
 * @param mxHost          the provider's bounce host, the MX target of the return-path subdomain (EDM_DOMAINS_MX_HOST)
 * @param dkimSelector    the DKIM selector of generated keys
 */
@ConfigurationProperties("edm.domains")
record SendingDomainProperties(@DefaultValue("spf.dm.aliyun.com") String spfInclude,
                               @DefaultValue("bounce") String returnPathLabel,
                               @DefaultValue("mxdm.aliyun.com") String mxHost,
                               @DefaultValue("edm1") String dkimSelector) {

    DnsRecordPlan.Settings planSettings() {
        return new DnsRecordPlan.Settings(spfInclude, returnPathLabel, mxHost);
    }
}
