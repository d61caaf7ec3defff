package org.edm.activities.sending;

import io.temporal.failure.ApplicationFailure;
import org.edm.activities.provider.FakeHttpApi;
import org.edm.activities.provider.FakeHttpApi.Reply;
import org.edm.activities.provider.aliyun.AliyunRpcSignature;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
        // no DirectMail account here: our DNS check alone decides (the DirectMail tests are at the end)
        activities = new DomainActivitiesImpl(harness.jdbc, harness.tx,
                new DnsLookup(new DnsProperties(dns.address(), Duration.ofMillis(500))), Clock.systemUTC(),
                new AliyunDmAccountProperties(null, null, "cn-hangzhou", null), new Alerts(harness.jdbc));
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
        assertThat(jdbc.queryForObject("SELECT provider_registration FROM sending_domains WHERE id = ?", String.class,
                d.id())).isEqualTo("NOT_CONFIGURED");

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

    // ---- with the platform's Aliyun DirectMail account: a local DirectMail that checks action, parameters, signature

    private static final String KEY_ID = "LTAI-platform-id";
    private static final String KEY_SECRET = "platform-access-key-secret";
    private static final String DM_TOKEN = "0c40d5f125af4e42892a";
    private static final String DM_DKIM_KEY = DkimKeys.generate().publicKey();

    /** DirectMail's state of the domain, as DescDomain answers it; tests change it. */
    private static Map<String, String> described(String domain) {
        Map<String, String> d = new ConcurrentHashMap<>(Map.of("DomainName", domain, "DomainId", "158910",
                "DomainStatus", "1", "HostRecord", "aliyundm", "DomainType", DM_TOKEN, "TxtAuthStatus", "1",
                "SpfRecord", "include:spf1.dm.aliyun.com", "SpfAuthStatus", "1", "MxRecord", "mx01.dm.aliyun.com",
                "MxAuthStatus", "1"));
        d.put("DkimRR", "aliyun-cn-hangzhou._domainkey");
        d.put("DkimPublicKey", DM_DKIM_KEY);
        d.put("DkimAuthStatus", "1");
        return d;
    }

    private static Reply json(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{\"RequestId\":\"r\"");
        fields.forEach((k, v) -> b.append(",\"").append(k).append("\":\"").append(v).append('"'));
        return Reply.json(200, b.append('}').toString());
    }

    private static DomainActivitiesImpl withDirectMail(FakeHttpApi aliyun) {
        return new DomainActivitiesImpl(harness.jdbc, harness.tx,
                new DnsLookup(new DnsProperties(dns.address(), Duration.ofMillis(500))), Clock.systemUTC(),
                new AliyunDmAccountProperties(KEY_ID, KEY_SECRET, "cn-hangzhou", "127.0.0.1:" + aliyun.port()),
                new Alerts(harness.jdbc));
    }

    private static List<String> actions(FakeHttpApi aliyun) {
        return aliyun.requests().stream().map(r -> AliyunRpcSignature.parameters(r).get("Action")).toList();
    }

    private static void assertSigned(FakeHttpApi aliyun) {
        for (FakeHttpApi.Request request : aliyun.requests()) {
            Map<String, String> p = AliyunRpcSignature.parameters(request);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(p).containsEntry("Version", "2015-11-23").containsEntry("AccessKeyId", KEY_ID)
                    .containsEntry("SignatureMethod", "HMAC-SHA1").containsEntry("Format", "JSON");
            assertThat(p.get("Signature")).as(p.get("Action"))
                    .isEqualTo(AliyunRpcSignature.expected("POST", p, KEY_SECRET));
            assertThat(request.query().toString() + request.body()).doesNotContain(KEY_SECRET);
        }
    }

    private Map<String, Object> record(long domainId, String purpose) {
        return jdbc.queryForMap("""
                SELECT type, host, expected_value, required, status, provider_status, provider_reason
                  FROM domain_dns_records WHERE domain_id = ? AND purpose = ?""", domainId, purpose);
    }

    private Map<String, Object> provider(long domainId) {
        return jdbc.queryForMap("""
                SELECT status, provider_registration, provider_domain_id, provider_verified, provider_reason
                  FROM sending_domains WHERE id = ?""", domainId);
    }

    @Test
    void directMailsOwnRecordsAreToPublishAndTheDomainIsVerifiedOnlyWhenDirectMailAgrees() throws Exception {
        Added d = addDomain();
        Map<String, String> state = described(d.name());
        try (FakeHttpApi aliyun = new FakeHttpApi()) {
            aliyun.answer(request -> switch (AliyunRpcSignature.parameters(request).get("Action")) {
                case "CreateDomain" -> Reply.json(200, "{\"RequestId\":\"r1\",\"DomainId\":\"158910\"}");
                case "DescDomain" -> json(state);
                default -> Reply.json(200, "{\"RequestId\":\"r\"}");
            });
            DomainActivitiesImpl dm = withDirectMail(aliyun);

            assertThat(dm.registerDomainAtProvider(d.id())).isEqualTo("DONE");
            assertThat(actions(aliyun)).containsExactly("CreateDomain", "DescDomain");
            assertThat(AliyunRpcSignature.parameters(aliyun.requests().get(0))).containsEntry("DomainName", d.name());
            assertThat(AliyunRpcSignature.parameters(aliyun.requests().get(1))).containsEntry("DomainId", "158910");
            assertSigned(aliyun);
            assertThat(provider(d.id())).containsEntry("provider_registration", "DONE")
                    .containsEntry("provider_domain_id", "158910");
            // DirectMail's records, to publish besides ours
            assertThat(record(d.id(), "PROVIDER_OWNERSHIP")).containsEntry("type", "TXT")
                    .containsEntry("host", "aliyundm." + d.name()).containsEntry("expected_value", DM_TOKEN)
                    .containsEntry("required", true);
            assertThat(record(d.id(), "PROVIDER_SPF")).containsEntry("host", d.name())
                    .containsEntry("expected_value", "v=spf1 include:spf1.dm.aliyun.com ~all")
                    .containsEntry("required", true);
            assertThat(record(d.id(), "PROVIDER_DKIM")).containsEntry("host", "aliyun-cn-hangzhou._domainkey." + d.name())
                    .containsEntry("expected_value", "v=DKIM1; k=rsa; p=" + DM_DKIM_KEY).containsEntry("required", true);
            assertThat(record(d.id(), "PROVIDER_MX")).containsEntry("type", "MX").containsEntry("host", d.name())
                    .containsEntry("expected_value", "mx01.dm.aliyun.com").containsEntry("required", false);

            // only our records published: not verified, and DirectMail is not asked yet
            publishAll(d);
            DomainCheck ours = dm.checkDomain(d.id());
            assertThat(ours.status()).isEqualTo("PENDING");
            assertThat(ours.required()).isEqualTo(8);
            assertThat(actions(aliyun)).doesNotContain("CheckDomain");

            // DirectMail's too (both includes in the one SPF record); DirectMail has not verified it yet
            dns.txt("aliyundm." + d.name(), DM_TOKEN)
                    .remove(d.name(), Type.TXT).txt(d.name(), "google-site-verification=abc123")
                    .txt(d.name(), "v=spf1 include:spf.dm.aliyun.com include:spf1.dm.aliyun.com ~all")
                    .txt("aliyun-cn-hangzhou._domainkey." + d.name(), "v=DKIM1; k=rsa; p=" + DM_DKIM_KEY);
            state.put("SpfAuthStatus", "0");
            state.put("DkimAuthStatus", "0");
            DomainCheck waiting = dm.checkDomain(d.id());
            assertThat(waiting.status()).isEqualTo("PENDING");
            assertThat(waiting.requiredMatched()).isEqualTo(8);
            assertThat(actions(aliyun)).endsWith("CheckDomain", "DescDomain");
            assertThat(AliyunRpcSignature.parameters(aliyun.requests().get(aliyun.requests().size() - 2)))
                    .containsEntry("DomainId", "158910");
            assertThat(record(d.id(), "PROVIDER_OWNERSHIP")).containsEntry("status", "MATCHED")
                    .containsEntry("provider_status", "REFUSED");
            assertThat((String) record(d.id(), "PROVIDER_OWNERSHIP").get("provider_reason"))
                    .contains("aliyundm." + d.name()).contains(DM_TOKEN);
            assertThat(record(d.id(), "PROVIDER_SPF")).containsEntry("provider_status", "VERIFIED")
                    .containsEntry("provider_reason", null);
            assertThat(record(d.id(), "PROVIDER_DKIM")).containsEntry("provider_status", "VERIFIED");
            assertThat(record(d.id(), "DKIM")).as("DirectMail does not judge our DKIM key")
                    .containsEntry("provider_status", null);
            assertThat(provider(d.id())).containsEntry("provider_verified", false);
            assertThat((String) provider(d.id()).get("provider_reason")).contains("DirectMail");

            // DirectMail's check passes too: VERIFIED
            state.put("TxtAuthStatus", "0");
            state.put("DomainStatus", "0");
            assertThat(dm.checkDomain(d.id()).status()).isEqualTo("VERIFIED");
            assertThat(provider(d.id())).containsEntry("provider_verified", true).containsEntry("provider_reason", null);
            assertThat(record(d.id(), "PROVIDER_OWNERSHIP")).containsEntry("provider_status", "VERIFIED");

            // DirectMail unreachable at a daily re-check: nothing changes
            aliyun.answer(request -> Reply.json(503, "{\"RequestId\":\"r\",\"Code\":\"ServiceUnavailable\","
                    + "\"Message\":\"temporary failure\"}"));
            assertThat(dm.checkDomain(d.id()).status()).isEqualTo("VERIFIED");
            assertThat(alerts(d.id())).isZero();
            assertSigned(aliyun);
        }
    }

    @Test
    void aDomainDirectMailHasAlreadyIsLookedUpByName() throws Exception {
        Added d = addDomain();
        Map<String, String> state = described(d.name());
        state.put("DomainId", "777");
        try (FakeHttpApi aliyun = new FakeHttpApi()) {
            aliyun.answer(request -> switch (AliyunRpcSignature.parameters(request).get("Action")) {
                case "CreateDomain" -> Reply.json(400, "{\"RequestId\":\"r\",\"Code\":\"InvalidDomainName.Exist\","
                        + "\"Message\":\"The domain already exists.\"}");
                case "QueryDomainByParam" -> Reply.json(200, """
                        {"RequestId":"r","TotalCount":2,"data":{"domain":[
                          {"DomainId":"12","DomainName":"other-%s","DomainStatus":"0"},
                          {"DomainId":"777","DomainName":"%s","DomainStatus":"1"}]}}""".formatted(d.name(), d.name()));
                case "DescDomain" -> json(state);
                default -> Reply.json(200, "{\"RequestId\":\"r\"}");
            });

            assertThat(withDirectMail(aliyun).registerDomainAtProvider(d.id())).isEqualTo("DONE");

            assertThat(actions(aliyun)).containsExactly("CreateDomain", "QueryDomainByParam", "DescDomain");
            assertThat(AliyunRpcSignature.parameters(aliyun.requests().get(1))).containsEntry("KeyWord", d.name());
            assertThat(AliyunRpcSignature.parameters(aliyun.requests().get(2))).containsEntry("DomainId", "777");
            assertThat(provider(d.id())).containsEntry("provider_domain_id", "777");
            assertSigned(aliyun);
        }
    }

    @Test
    void aRefusalByDirectMailLeavesAReadableReasonAndTheDomainUnverified() throws Exception {
        Added d = addDomain();
        publishAll(d);
        try (FakeHttpApi aliyun = new FakeHttpApi()) {
            aliyun.answer(request -> "CreateDomain".equals(AliyunRpcSignature.parameters(request).get("Action"))
                    ? Reply.json(400, "{\"RequestId\":\"r\",\"Code\":\"InvalidDomainName.Malformed\","
                    + "\"Message\":\"The specified domain name is malformed.\"}")
                    : Reply.json(200, "{\"RequestId\":\"r\"}"));
            DomainActivitiesImpl dm = withDirectMail(aliyun);

            assertThat(dm.registerDomainAtProvider(d.id())).isEqualTo("FAILED");
            Map<String, Object> row = provider(d.id());
            assertThat(row).containsEntry("provider_registration", "FAILED");
            assertThat((String) row.get("provider_reason")).contains("InvalidDomainName.Malformed")
                    .contains("does not accept this domain").doesNotContain(KEY_SECRET);

            // every record of ours matches, but DirectMail will not send for it: not VERIFIED; the check tries the
            // registration again (the operator may have mended the account meanwhile)
            DomainCheck check = dm.checkDomain(d.id());
            assertThat(check.status()).isEqualTo("PENDING");
            assertThat(check.requiredMatched()).isEqualTo(check.required());
            assertThat(actions(aliyun)).containsExactly("CreateDomain", "CreateDomain");
            assertThat(provider(d.id())).containsEntry("provider_registration", "FAILED");
        }
    }

    @Test
    void directMailBusyAtRegistrationFailsRetryablyAndWritesNothing() throws Exception {
        Added d = addDomain();
        try (FakeHttpApi aliyun = new FakeHttpApi()) {
            aliyun.answer(request -> Reply.json(503, "{\"RequestId\":\"r\",\"Code\":\"ServiceUnavailable\","
                    + "\"Message\":\"temporary failure\"}"));
            ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
                    () -> withDirectMail(aliyun).registerDomainAtProvider(d.id()));
            assertThat(failure.getType()).isEqualTo("ProviderUnavailable");
            assertThat(failure.isNonRetryable()).isFalse();
            assertThat(provider(d.id())).containsEntry("provider_registration", "PENDING");
        }
    }
}
