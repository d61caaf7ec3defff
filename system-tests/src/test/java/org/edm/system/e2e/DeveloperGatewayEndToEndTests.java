package org.edm.system.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.internet.MimeMessage;
import org.edm.activities.provider.FakeHttpApi;
import org.edm.activities.provider.FakeHttpApi.Reply;
import org.edm.activities.provider.aliyun.AliyunRpcSignature;
import org.edm.activities.sending.LoopbackDnsServer;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.testing.TestDatabase;
import org.edm.system.harness.AppProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.Type;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 004 flows 1, 2 and 3 across the real processes, as a developer lives them: sign up at the api JVM, read the
 * verification link from the mail the worker JVM sent (GreenMail), add a sending domain, publish its records on a
 * real DNS server on loopback, see the domain VERIFIED, add a mailbox that the worker provisions at the local
 * DirectMail fake (which checks every request's signature), create an API key, send over {@code POST /api/v1/send},
 * see the mail arrive with tracking, sent with the mailbox's own SMTP login, open it, and find the open in the
 * message's events and in the report of the campaign the API discovered. Finally the DNS records break and the
 * domain turns FAILING.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeveloperGatewayEndToEndTests {

    private static final Pattern VERIFY_LINK =
            Pattern.compile("href=\"(http://127\\.0\\.0\\.1:\\d+/v1/auth/verify\\?token=[^\"]+)\"");
    private static final Pattern PIXEL = Pattern.compile("src=\"(http://127\\.0\\.0\\.1:\\d+/track/open/[^\"]+)\"");
    private static final String ALIYUN_KEY_ID = "LTAI-e2e-platform";
    private static final String ALIYUN_KEY_SECRET = "e2e-platform-secret";

    private EndToEndStack stack;
    private AppProcess worker;
    private LoopbackDnsServer dns;
    private FakeHttpApi directMail;
    private final List<String> badlySignedActions = new CopyOnWriteArrayList<>();
    /** DirectMail counts the domain verified once it was asked to check it (CheckDomain) after our records matched. */
    private volatile boolean directMailChecked;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void startStack() throws Exception {
        dns = new LoopbackDnsServer();
        directMail = new FakeHttpApi();
        directMail.answer(this::directMailAnswer);
        stack = EndToEndStack.withWorker("developer-gateway", Map.of(), s -> Map.of(
                "EDM_DNS_RESOLVER", dns.address(),
                "EDM_ALIYUN_DM_ACCESS_KEY_ID", ALIYUN_KEY_ID,
                "EDM_ALIYUN_DM_ACCESS_KEY_SECRET", ALIYUN_KEY_SECRET,
                "EDM_ALIYUN_DM_ENDPOINT", "127.0.0.1:" + directMail.port(),
                // DirectMail's SMTP interface is the test's SMTP server, without TLS
                "EDM_API_SEND_SMTP_HOST", "127.0.0.1",
                "EDM_API_SEND_SMTP_PORT", String.valueOf(s.smtp.getSmtp().getPort()),
                "EDM_API_SEND_SMTP_SSL", "false"));
        worker = stack.worker();
    }

    @AfterAll
    void stopStack() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (stack != null) {
            stack.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (directMail != null) {
            directMail.close();
        }
    }

    /** DirectMail as a first provisioning finds it; every request must carry a valid signature of the platform key. */
    private Reply directMailAnswer(FakeHttpApi.Request request) {
        Map<String, String> p = AliyunRpcSignature.parameters(request);
        String action = p.get("Action");
        if (!ALIYUN_KEY_ID.equals(p.get("AccessKeyId"))
                || !Objects.equals(p.get("Signature"), AliyunRpcSignature.expected(request.method(), p, ALIYUN_KEY_SECRET))) {
            badlySignedActions.add(action);
            return Reply.json(400, "{\"RequestId\":\"x\",\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"bad\"}");
        }
        return switch (action) {
            case "CreateDomain" -> Reply.json(200, "{\"RequestId\":\"r1\",\"DomainId\":\"99\"}");
            case "DescDomain" -> Reply.json(200, """
                    {"RequestId":"r2","DomainId":"99","DomainName":"gateway.example.test","DomainStatus":"%s",
                     "HostRecord":"aliyundm","DomainType":"e2e0c40d5f125af4e4","TxtAuthStatus":"%s",
                     "SpfRecord":"include:spf1.dm.aliyun.com","SpfAuthStatus":"%s","MxRecord":"mx01.dm.aliyun.com",
                     "MxAuthStatus":"%s","DkimRR":"aliyun-cn-hangzhou._domainkey","DkimPublicKey":"MIGfMA0GCSqGSIb3DQEB",
                     "DkimAuthStatus":"%s"}""".formatted(directMailChecked ? "0" : "1", directMailChecked ? "0" : "1",
                    directMailChecked ? "0" : "1", directMailChecked ? "0" : "1", directMailChecked ? "0" : "1"));
            case "CheckDomain" -> {
                directMailChecked = true;
                yield Reply.json(200, "{\"RequestId\":\"r\"}");
            }
            case "QueryMailAddressByParam" -> Reply.json(200, """
                    {"RequestId":"r3","TotalCount":1,"PageNumber":1,"PageSize":50,"mailAddresses":{"mailAddress":[
                      {"MailAddressId":"4711","AccountName":"%s","AccountStatus":"0","Sendtype":"trigger"}]}}
                    """.formatted(p.getOrDefault("KeyWord", "service@gateway.example.test")));
            default -> Reply.json(200, "{\"RequestId\":\"r\"}");
        };
    }

    @Test
    void aDeveloperSignsUpVerifiesADomainAddsAMailboxAndSendsTrackedMailOverTheApi() throws Exception {
        // --- flow 1, steps 1-3: sign up, the link in the mail activates the account
        String email = "dev@gateway.example.test";
        String password = "developer-password-1";
        assertThat(call("POST", "/v1/auth/sign-up", null, Map.of("email", email, "password", password)).statusCode())
                .isEqualTo(202);
        assertThat(call("POST", "/v1/auth/sign-in", null, Map.of("username", email, "password", password)).body())
                .as("an unverified account cannot sign in").contains("verify your e-mail address first");
        MimeMessage verification = awaitMail(m -> recipients(m).contains(email), Duration.ofSeconds(90));
        Matcher link = VERIFY_LINK.matcher(decodedBody(verification));
        assertThat(link.find()).as("the verification link in the mail").isTrue();
        HttpResponse<String> verified = http.send(HttpRequest.newBuilder(URI.create(link.group(1))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(verified.statusCode()).isEqualTo(200);
        JsonNode signedIn = ok(call("POST", "/v1/auth/sign-in", null, Map.of("username", email, "password", password)));
        String session = signedIn.path("token").asText();
        long userId = signedIn.path("user").path("id").asLong();
        assertThat(stack.get("/v1/users/" + userId).path("quota_balance").asLong()).as("the sign-up grant")
                .isEqualTo(100);

        // --- steps 4-8: a sending domain, its records published on the loopback DNS server, VERIFIED
        String domainName = "gateway.example.test";
        JsonNode domain = ok(call("POST", "/v1/domains", session, Map.of("name", domainName)));
        long domainId = domain.path("id").asLong();
        assertThat(domain.path("status").asText()).isEqualTo("PENDING");
        assertThat(domain.path("records")).extracting(r -> r.path("purpose").asText())
                .contains("OWNERSHIP", "SPF", "DKIM", "DMARC", "MX");
        // the worker registers the domain at DirectMail; its own records join ours
        JsonNode registered = await("domain registered at DirectMail", Duration.ofSeconds(60),
                () -> ok(call("GET", "/v1/domains/" + domainId, session, null)),
                d -> !d.path("provider_registration").asText().equals("PENDING"));
        assertThat(registered.path("provider_registration").asText()).as(registered.toString()).isEqualTo("DONE");
        assertThat(registered.path("records")).extracting(r -> r.path("purpose").asText())
                .contains("PROVIDER_OWNERSHIP", "PROVIDER_SPF", "PROVIDER_DKIM", "PROVIDER_MX");
        assertThat(registered.toString()).contains("aliyundm." + domainName).contains("e2e0c40d5f125af4e4");
        // as a careful owner publishes them: both SPF includes in the name's one SPF record
        List<String> spfIncludes = new java.util.ArrayList<>();
        for (JsonNode record : registered.path("records")) {
            String value = record.path("expected_value").asText();
            if (record.path("type").asText().equals("MX")) {
                dns.mx(record.path("host").asText(), 10, value);
            } else if (value.startsWith("v=spf1 ")) {
                spfIncludes.add(value.split(" ")[1]);
            } else {
                dns.txt(record.path("host").asText(), value);
            }
        }
        dns.txt(domainName, "v=spf1 " + String.join(" ", spfIncludes) + " ~all");
        assertThat(call("POST", "/v1/domains/" + domainId + "/verify", session, Map.of()).statusCode()).isEqualTo(202);
        JsonNode verifiedDomain = await("domain VERIFIED", Duration.ofSeconds(60),
                () -> ok(call("GET", "/v1/domains/" + domainId, session, null)),
                d -> d.path("status").asText().equals("VERIFIED"));
        assertThat(verifiedDomain.path("records")).allSatisfy(r -> assertThat(r.path("status").asText())
                .isEqualTo("MATCHED"));
        assertThat(directMailChecked).as("DirectMail was asked to check the domain (CheckDomain)").isTrue();
        assertThat(verifiedDomain.path("records")).filteredOn(r -> r.path("purpose").asText().startsWith("PROVIDER_"))
                .allSatisfy(r -> assertThat(r.path("provider_status").asText()).isEqualTo("VERIFIED"));

        // --- steps 9-11: a mailbox, provisioned by the worker at the DirectMail fake
        JsonNode mailbox = ok(call("POST", "/v1/domains/" + domainId + "/mailboxes", session,
                Map.of("local_part", "service")));
        long mailboxId = mailbox.path("id").asLong();
        String from = mailbox.path("address").asText();
        assertThat(from).isEqualTo("service@" + domainName);
        JsonNode ready = await("mailbox NORMAL", Duration.ofSeconds(60),
                () -> ok(call("GET", "/v1/mailboxes/" + mailboxId, session, null)),
                m -> !m.path("status").asText().equals("PROVISIONING"));
        assertThat(ready.path("status").asText()).as(ready.toString()).isEqualTo("NORMAL");
        assertThat(badlySignedActions).as("DirectMail requests with a bad signature").isEmpty();
        assertThat(directMail.requests()).extracting(r -> AliyunRpcSignature.parameters(r).get("Action"))
                .contains("CreateMailAddress");
        assertThat(ready.toString()).as("no credential ever leaves the api").doesNotContain("password");
        // the SMTP server knows the mailbox's login: the one the worker generated and sealed
        String smtpPassword = openMailboxPassword(mailboxId);
        stack.smtp.setUser(from, from, smtpPassword);

        // --- step 12: an API key, shown once
        JsonNode key = ok(call("POST", "/v1/api-keys", session, Map.of("name", "ci")));
        String secret = key.path("secret").asText();
        assertThat(secret).startsWith("edm_");
        assertThat(call("GET", "/v1/api-keys", session, null).body()).doesNotContain(secret);

        // --- flow 2: send with the key; the checks refuse a stranger's from, the 202 comes at once
        assertThat(call("POST", "/api/v1/send", secret, sendBody("someone@else.example.test", null)).statusCode())
                .isEqualTo(400);
        assertThat(call("POST", "/api/v1/send", "edm_live_forged", sendBody(from, null)).statusCode())
                .isEqualTo(401);
        HttpResponse<String> accepted = call("POST", "/api/v1/send", secret, sendBody(from, "password-reset-v2"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String messageId = json.readTree(accepted.body()).path("id").asText();

        MimeMessage mail = awaitMail(m -> recipients(m).contains("alice@reader.example.test"), Duration.ofSeconds(60));
        String body = decodedBody(mail);
        assertThat(mail.getFrom()[0].toString()).contains(from);
        assertThat(body).as("links go through the signed click redirect").contains("/track/click/")
                .doesNotContain("href=\"https://app.example.test/reset");
        assertThat(GreenMailUtil.getHeaders(mail)).as("signed with the domain's DKIM key").contains("DKIM-Signature");
        JsonNode sent = await("message sent", Duration.ofSeconds(30),
                () -> ok(call("GET", "/api/v1/messages/" + messageId, secret, null)),
                m -> m.path("status").asText().equals("sent"));
        assertThat(stack.get("/v1/users/" + userId).path("quota_balance").asLong()).as("one unit per message")
                .isEqualTo(99);

        // --- step 10: the recipient opens it a minute later (an open within seconds of sending counts as a machine's);
        // the open shows in the message and in its campaign's report
        try (var c = stack.db.dataSource().getConnection(); var s = c.prepareStatement(
                "UPDATE api_messages SET sent_at = sent_at - interval '1 minute' WHERE public_id = ?")) {
            s.setString(1, messageId);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        Matcher pixel = PIXEL.matcher(body);
        assertThat(pixel.find()).as("the open pixel in " + body).isTrue();
        HttpResponse<byte[]> gif = http.send(HttpRequest.newBuilder(URI.create(pixel.group(1)))
                .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0) Thunderbird/128").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gif.statusCode()).isEqualTo(200);
        JsonNode opened = await("open event", Duration.ofSeconds(30),
                () -> ok(call("GET", "/api/v1/messages/" + messageId, secret, null)),
                m -> m.path("events").toString().contains("\"open\""));
        assertThat(opened.path("campaign_id").asText()).isEqualTo("password-reset-v2");
        assertThat(opened.path("events").findValuesAsText("type")).contains("send_success", "open");
        try (var c = stack.db.dataSource().getConnection(); var s = c.prepareStatement(
                "SELECT count(*) FROM user_quota_ledger WHERE reason = 'API_SEND' AND user_id = ?")) {
            s.setLong(1, userId);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("the unit is taken through the ledger").isEqualTo(1);
            }
        }

        // --- flow 3: the unknown campaign_id became a campaign "discovered from the API", with the send in its report
        JsonNode campaign = ok(call("GET", "/v1/campaigns/by-public-id/password-reset-v2", session, null));
        assertThat(campaign.path("origin").asText()).isEqualTo("API");
        JsonNode report = ok(call("GET", "/v1/campaigns/" + campaign.path("id").asLong() + "/report", session, null));
        assertThat(report.path("totals").path("sent").asLong()).as(report.toString()).isEqualTo(1);
        assertThat(report.path("totals").path("opened").asLong()).as(report.toString()).isEqualTo(1);
        assertThat(sent.path("id").asText()).isEqualTo(messageId);

        // --- records that break after verification turn the domain FAILING
        JsonNode dkim = null;
        for (JsonNode record : verifiedDomain.path("records")) {
            if (record.path("purpose").asText().equals("DKIM")) {
                dkim = record;
            }
        }
        dns.remove(Objects.requireNonNull(dkim).path("host").asText(), Type.TXT);
        assertThat(call("POST", "/v1/domains/" + domainId + "/verify", session, Map.of()).statusCode()).isEqualTo(202);
        JsonNode failing = await("domain FAILING", Duration.ofSeconds(60),
                () -> ok(call("GET", "/v1/domains/" + domainId, session, null)),
                d -> d.path("status").asText().equals("FAILING"));
        assertThat(failing.path("records").toString()).contains("MISSING");
    }

    private Map<String, Object> sendBody(String from, String campaignId) {
        var body = new java.util.HashMap<String, Object>(Map.of(
                "to", List.of("alice@reader.example.test"), "from", from, "subject", "Reset your password",
                "html", "<p>Hello Alice, <a href=\"https://app.example.test/reset?t=1\">reset it here</a></p>"));
        if (campaignId != null) {
            body.put("campaign_id", campaignId);
        }
        return body;
    }

    private String openMailboxPassword(long mailboxId) throws Exception {
        try (var c = stack.db.dataSource().getConnection();
             var s = c.prepareStatement("SELECT secret_ciphertext FROM sender_mailboxes WHERE id = ?")) {
            s.setLong(1, mailboxId);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return SecretBox.fromBase64Key(TestDatabase.TEST_CREDENTIALS_KEY).open(rs.getBytes(1));
            }
        }
    }

    private HttpResponse<String> call(String method, String path, String bearer, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.apiPort + path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.request().uri() + ": "
                + response.body()).isBetween(200, 299);
        return json.readTree(response.body());
    }

    private interface Poll {
        JsonNode get() throws Exception;
    }

    private static JsonNode await(String what, Duration timeout, Poll poll, Predicate<JsonNode> done)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = poll.get();
        while (!done.test(last)) {
            assertThat(Instant.now()).as("waiting for " + what + "; last seen " + last).isBefore(deadline);
            Thread.sleep(250);
            last = poll.get();
        }
        return last;
    }

    private MimeMessage awaitMail(Predicate<MimeMessage> wanted, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (MimeMessage m : stack.smtp.getReceivedMessages()) {
                if (wanted.test(m)) {
                    return m;
                }
            }
            assertThat(Instant.now()).as("waiting for a mail").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static String recipients(MimeMessage m) {
        try {
            return GreenMailUtil.getAddressList(m.getAllRecipients());
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body with quoted-printable soft breaks and '=' escapes undone, so links can be matched. */
    private static String decodedBody(MimeMessage m) {
        return GreenMailUtil.getBody(m).replace("=\r\n", "").replace("=3D", "=");
    }
}
