package org.edm.activities.sending;

import io.temporal.failure.ApplicationFailure;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.sending.DkimKeys;
import org.edm.domain.sending.DnsRecordPlan;
import org.edm.workflows.sending.DomainCheck;
import org.edm.domain.alert.Alerts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.xbill.DNS.Type;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The DNS checks against a real DNS server on loopback (answering from records the test publishes and changes) and a
 * real PostgreSQL: what the owner sees per record, and how the domain moves.
 */
class DomainActivitiesTests {

    static final DnsRecordPlan.Settings SETTINGS = new DnsRecordPlan.Settings("spf.dm.aliyun.com", "bounce",
            "mxdm.aliyun.com");

    static ActivitiesHarness harness;
    static JdbcTemplate jdbc;
    static LoopbackDnsServer dns;
    static DomainActivitiesImpl activities;
    static long owner;

    @BeforeAll
    static void start() throws Exception {
        harness = new ActivitiesHarness();
        jdbc = harness.fixtures.jdbc();
        dns = new LoopbackDnsServer();
        activities = new DomainActivitiesImpl(harness.jdbc, harness.tx,
                new DnsLookup(new DnsProperties(dns.address(), Duration.ofMillis(500))), Clock.systemUTC(),
                new Alerts(harness.jdbc));
        owner = harness.fixtures.user("domains-" + System.nanoTime());
    }

    @AfterAll
    static void stop() {
        dns.close();
        harness.close();
    }

    /** A domain as the api adds it: token, DKIM key pair (private key sealed), the planned records. */
    private record Added(long id, String name, String token, String publicKey) {
    }

    private Added addDomain() {
        String name = "d" + UUID.randomUUID().toString().substring(0, 8) + ".example.test";
        String token = UUID.randomUUID().toString().replace("-", "");
        DkimKeys.Pair keys = DkimKeys.generate();
        long id = jdbc.queryForObject("""
                INSERT INTO sending_domains (owner_id, name, verification_token, dkim_selector, dkim_public_key,
                                             dkim_private_ciphertext, dkim_key_version)
                VALUES (?, ?, ?, 'edm1', ?, ?, 1) RETURNING id""", Long.class, owner, name, token, keys.publicKey(),
                harness.secrets.seal(keys.privateKey()));
        for (DnsRecordPlan.Planned r : DnsRecordPlan.plan(name, token, "edm1", keys.publicKey(), SETTINGS)) {
            jdbc.update("""
                    INSERT INTO domain_dns_records (domain_id, purpose, type, host, expected_value, required)
                    VALUES (?, ?, ?, ?, ?, ?)""", id, r.purpose().name(), r.type().name(), r.host(), r.expectedValue(),
                    r.required());
        }
        return new Added(id, name, token, keys.publicKey());
    }

    /** Everything published the way a careful owner does it, next to records of their own. */
    private void publishAll(Added d) {
        dns.txt("_edm-verify." + d.name(), "edm-verify=" + d.token())
                .txt(d.name(), "google-site-verification=abc123")
                .txt(d.name(), "v=spf1 mx include:_spf.google.com include:spf.dm.aliyun.com ~all")
                .txt("edm1._domainkey." + d.name(), "v=DKIM1; k=rsa; p=" + d.publicKey())
                .txt("_dmarc." + d.name(), "v=DMARC1; p=quarantine; rua=mailto:dmarc@" + d.name())
                .mx("bounce." + d.name(), 10, "mxdm.aliyun.com");
    }

    private Map<String, String> recordStatuses(long domainId) {
        return jdbc.queryForList("SELECT purpose, status FROM domain_dns_records WHERE domain_id = ?", domainId)
                .stream().collect(Collectors.toMap(r -> (String) r.get("purpose"), r -> (String) r.get("status")));
    }

    private String domainStatus(long domainId) {
        return jdbc.queryForObject("SELECT status FROM sending_domains WHERE id = ?", String.class, domainId);
    }

    private long alerts(long domainId) {
        return jdbc.queryForObject("SELECT count(*) FROM alerts WHERE kind = 'DOMAIN_DNS_FAILING' AND subject = ?",
                Long.class, "domain-" + domainId);
    }

    private long openAlerts(long domainId) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM alerts WHERE kind = 'DOMAIN_DNS_FAILING' AND subject = ? AND resolved_at IS NULL
                """, Long.class, "domain-" + domainId);
    }

    @Test
    void missingRecordsLeaveTheDomainPendingThenPublishedOnesVerifyItThenABrokenOneMakesItFailingOnceAndMendedVerifiedAgain() {
        Added d = addDomain();

        DomainCheck nothing = activities.checkDomain(d.id());
        assertThat(nothing.status()).isEqualTo("PENDING");
        assertThat(nothing.requiredMatched()).isZero();
        assertThat(recordStatuses(d.id())).containsOnlyKeys("OWNERSHIP", "SPF", "DKIM", "DMARC", "MX")
                .allSatisfy((purpose, status) -> assertThat(status).as(purpose).isEqualTo("MISSING"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_dns_records WHERE domain_id = ? AND checked_at IS NULL",
                Long.class, d.id())).isZero();

        publishAll(d);
        DomainCheck verified = activities.checkDomain(d.id());
        assertThat(verified).isEqualTo(new DomainCheck(d.id(), "VERIFIED", 5, 5));
        assertThat(recordStatuses(d.id())).allSatisfy((purpose, status) -> assertThat(status).isEqualTo("MATCHED"));
        assertThat(jdbc.queryForObject("SELECT verified_at IS NOT NULL AND last_checked_at IS NOT NULL FROM sending_domains WHERE id = ?",
                Boolean.class, d.id())).isTrue();
        assertThat(jdbc.queryForObject("SELECT observed_value FROM domain_dns_records WHERE domain_id = ? AND purpose = 'SPF'",
                String.class, d.id())).isEqualTo("v=spf1 mx include:_spf.google.com include:spf.dm.aliyun.com ~all");
        assertThat(alerts(d.id())).isZero();

        // the owner's DNS provider "rotates" the DKIM key to one of its own: mail would fail DKIM
        String otherKey = DkimKeys.generate().publicKey();
        dns.remove("edm1._domainkey." + d.name(), Type.TXT).txt("edm1._domainkey." + d.name(),
                "v=DKIM1; k=rsa; p=" + otherKey);
        assertThat(activities.checkDomain(d.id()).status()).isEqualTo("FAILING");
        assertThat(recordStatuses(d.id())).containsEntry("DKIM", "MISMATCHED").containsEntry("SPF", "MATCHED");
        assertThat(jdbc.queryForObject("SELECT observed_value FROM domain_dns_records WHERE domain_id = ? AND purpose = 'DKIM'",
                String.class, d.id())).contains(otherKey);
        assertThat(alerts(d.id())).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT message FROM alerts WHERE subject = ?", String.class, "domain-" + d.id()))
                .contains(d.name()).contains("DKIM TXT edm1._domainkey." + d.name() + " is mismatched");

        // still broken the next day: one crossing, one alert
        assertThat(activities.checkDomain(d.id()).status()).isEqualTo("FAILING");
        assertThat(alerts(d.id())).isEqualTo(1);

        dns.remove("edm1._domainkey." + d.name(), Type.TXT).txt("edm1._domainkey." + d.name(),
                "v=DKIM1; k=rsa; p=" + d.publicKey());
        assertThat(activities.checkDomain(d.id()).status()).isEqualTo("VERIFIED");
        assertThat(openAlerts(d.id())).as("the alert is resolved").isZero();
    }

    @Test
    void spfMustBeASingleRecordWithTheIncludeAndDmarcAnyPolicy() {
        Added d = addDomain();
        publishAll(d);
        dns.remove(d.name(), Type.TXT).txt(d.name(), "v=spf1 include:_spf.google.com ~all");
        activities.checkDomain(d.id());
        assertThat(recordStatuses(d.id())).containsEntry("SPF", "MISMATCHED");

        // two SPF records are a permanent error at receivers, even if one of them has the include
        dns.txt(d.name(), "v=spf1 include:spf.dm.aliyun.com -all");
        activities.checkDomain(d.id());
        assertThat(recordStatuses(d.id())).containsEntry("SPF", "MISMATCHED");
        assertThat(domainStatus(d.id())).isEqualTo("PENDING");

        dns.remove(d.name(), Type.TXT).txt(d.name(), "v=spf1 include:spf.dm.aliyun.com -all");
        dns.remove("_dmarc." + d.name(), Type.TXT).txt("_dmarc." + d.name(), "v=DMARC1; p=none");
        assertThat(activities.checkDomain(d.id()).status()).isEqualTo("VERIFIED");
    }

    @Test
    void aWrongOwnershipTokenOrMxHostDoesNotVerify() {
        Added d = addDomain();
        publishAll(d);
        dns.remove("_edm-verify." + d.name(), Type.TXT).txt("_edm-verify." + d.name(), "edm-verify=someone-else");
        dns.remove("bounce." + d.name(), Type.MX).mx("bounce." + d.name(), 10, "mx.other.example");
        DomainCheck check = activities.checkDomain(d.id());
        assertThat(check.status()).isEqualTo("PENDING");
        assertThat(check.requiredMatched()).isEqualTo(3);
        assertThat(recordStatuses(d.id())).containsEntry("OWNERSHIP", "MISMATCHED").containsEntry("MX", "MISMATCHED");
        assertThat(jdbc.queryForObject("SELECT observed_value FROM domain_dns_records WHERE domain_id = ? AND purpose = 'MX'",
                String.class, d.id())).isEqualTo("mx.other.example");
    }

    @Test
    void aResolverThatFailsOrIsSilentChangesNothing() {
        Added d = addDomain();
        publishAll(d);
        activities.checkDomain(d.id());
        dns.remove("edm1._domainkey." + d.name(), Type.TXT);
        try {
            for (LoopbackDnsServer.Mode mode : new LoopbackDnsServer.Mode[]{LoopbackDnsServer.Mode.SERVFAIL,
                    LoopbackDnsServer.Mode.SILENT}) {
                dns.mode(mode);
                ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
                        () -> activities.checkDomain(d.id()));
                assertThat(failure.getType()).as(mode.name()).isEqualTo("DnsUnavailable");
                assertThat(failure.isNonRetryable()).isFalse();
                assertThat(domainStatus(d.id())).as(mode.name()).isEqualTo("VERIFIED");
                assertThat(recordStatuses(d.id())).containsEntry("DKIM", "MATCHED");
                assertThat(alerts(d.id())).isZero();
            }
        } finally {
            dns.mode(LoopbackDnsServer.Mode.ANSWER);
        }
    }

    @Test
    void aDeletedDomainIsGoneAndOnlyAPendingDomainExpires() {
        Added pending = addDomain();
        activities.expireDomain(pending.id());
        assertThat(domainStatus(pending.id())).isEqualTo("EXPIRED");

        Added verified = addDomain();
        publishAll(verified);
        activities.checkDomain(verified.id());
        activities.expireDomain(verified.id());
        assertThat(domainStatus(verified.id())).isEqualTo("VERIFIED");

        jdbc.update("DELETE FROM sending_domains WHERE id = ?", pending.id());
        assertThat(activities.checkDomain(pending.id()).gone()).isTrue();
    }

    @Test
    void statusMoves() {
        assertThat(DomainActivitiesImpl.next(org.edm.domain.sending.DomainStatus.PENDING, false)).hasToString("PENDING");
        assertThat(DomainActivitiesImpl.next(org.edm.domain.sending.DomainStatus.EXPIRED, true)).hasToString("VERIFIED");
        assertThat(DomainActivitiesImpl.next(org.edm.domain.sending.DomainStatus.VERIFIED, false)).hasToString("FAILING");
        assertThat(DomainActivitiesImpl.next(org.edm.domain.sending.DomainStatus.FAILING, true)).hasToString("VERIFIED");
    }
}
