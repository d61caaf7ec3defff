package org.edm.activities.sending;

import org.edm.activities.provider.aliyun.AliyunDmAdmin.ProviderDomain;
import org.edm.domain.sending.DnsRecordPurpose;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of DirectMail's records the owner must publish besides ours, from the variants DescDomain may answer. */
class ProviderRecordsTests {

    private static ProviderDomain described(String host, String spf, String dkimHost, String dkimKey, String mx) {
        return new ProviderDomain("mail.example.com", "1", host, "tok123", "1", spf, "1", mx, "1", dkimHost, dkimKey,
                "1");
    }

    @Test
    void hostsGivenRelativeOrAbsoluteBecomeNamesUnderTheDomain() {
        assertThat(ProviderRecords.qualify("aliyundm", "mail.example.com")).isEqualTo("aliyundm.mail.example.com");
        assertThat(ProviderRecords.qualify("aliyundm.mail.example.com.", "mail.example.com"))
                .isEqualTo("aliyundm.mail.example.com");
        assertThat(ProviderRecords.qualify("@", "mail.example.com")).isEqualTo("mail.example.com");
    }

    @Test
    void anSpfIncludeLikeOursAddsNoRecordAndAWholeDkimRecordIsKeptAsIs() {
        List<ProviderRecords.Row> rows = ProviderRecords.rows("mail.example.com",
                described(null, "v=spf1 include:SPF.dm.aliyun.com -all", "aliyun-cn-hangzhou._domainkey",
                        "v=DKIM1; k=rsa; p=MIGf", null), "v=spf1 include:spf.dm.aliyun.com ~all");

        assertThat(rows).extracting(ProviderRecords.Row::purpose)
                .containsExactly(DnsRecordPurpose.PROVIDER_OWNERSHIP, DnsRecordPurpose.PROVIDER_DKIM);
        assertThat(rows.get(0).host()).isEqualTo("aliyundm.mail.example.com");
        assertThat(rows.get(1).expected()).isEqualTo("v=DKIM1; k=rsa; p=MIGf");
    }

    @Test
    void aDkimKeyWithoutItsHostIsNotGuessedAndTheirMxIsOptional() {
        List<ProviderRecords.Row> rows = ProviderRecords.rows("mail.example.com",
                described("aliyundm", "include:spf1.dm.aliyun.com", null, "MIGf", "mx01.dm.aliyun.com"),
                "v=spf1 include:spf.dm.aliyun.com ~all");

        assertThat(rows).extracting(ProviderRecords.Row::purpose).containsExactly(
                DnsRecordPurpose.PROVIDER_OWNERSHIP, DnsRecordPurpose.PROVIDER_SPF, DnsRecordPurpose.PROVIDER_MX);
        assertThat(rows.get(1).expected()).isEqualTo("v=spf1 include:spf1.dm.aliyun.com ~all");
        assertThat(rows.get(2).required()).isFalse();
    }

    @Test
    void directMailJudgesOurSpfOnlyWhenItHasNoSpfRecordOfItsOwn() {
        ProviderDomain d = new ProviderDomain("x", "1", null, "t", "0", "include:a", "1", null, null, null, null, null);
        assertThat(ProviderRecords.judge(DnsRecordPurpose.SPF, "TXT", "x", "v=spf1 include:a ~all", d,
                List.of(DnsRecordPurpose.SPF)).status()).isEqualTo("REFUSED");
        assertThat(ProviderRecords.judge(DnsRecordPurpose.SPF, "TXT", "x", "v=spf1 include:b ~all", d,
                List.of(DnsRecordPurpose.SPF, DnsRecordPurpose.PROVIDER_SPF))).isNull();
        assertThat(ProviderRecords.judge(DnsRecordPurpose.PROVIDER_OWNERSHIP, "TXT", "aliyundm.x", "t", d,
                List.of()).status()).isEqualTo("VERIFIED");
        assertThat(ProviderRecords.judge(DnsRecordPurpose.DMARC, "TXT", "_dmarc.x", "v=DMARC1; p=none", d,
                List.of())).isNull();
    }
}
