package org.edm.system.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.internet.MimeMessage;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.testing.TestDatabase;
import org.edm.system.harness.AppProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 004 flow 2 on the real stack: POST /api/v1/send with an API key to the api JVM, the worker JVM sends through
 * the mailbox's SMTP login to GreenMail (standing in for DirectMail's SMTP interface), and the open pixel of the
 * captured mail is then visible in GET /api/v1/messages/{id}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSendEndToEndTests {

    private static final String LOGIN = "service@e2e-api.example";
    private static final String PASSWORD = "directmail-smtp-password";
    private static final Pattern PIXEL = Pattern.compile("src=\"(http://[^\"]+/track/open/[^\"]+\\.gif)\"");

    private EndToEndStack stack;
    private AppProcess worker;
    private JdbcTemplate db;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void startStack() throws Exception {
        stack = new EndToEndStack("api-send");
        stack.smtp.setUser(LOGIN, LOGIN, PASSWORD);
        worker = stack.startWorker(Map.of("EDM_API_SEND_SMTP_HOST", "127.0.0.1",
                "EDM_API_SEND_SMTP_PORT", String.valueOf(stack.smtp.getSmtp().getPort()),
                "EDM_API_SEND_SMTP_SSL", "false"));
        db = new JdbcTemplate(stack.db.dataSource());
    }

    @AfterAll
    void stopStack() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anApiSendIsDeliveredWithTrackingAndItsOpenShowsInTheMessage() throws Exception {
        SecretBox box = SecretBox.fromBase64Key(TestDatabase.TEST_CREDENTIALS_KEY);
        long domain = db.queryForObject("""
                INSERT INTO sending_domains (owner_id, name, status, verification_token, dkim_selector,
                                             dkim_public_key, dkim_private_ciphertext)
                VALUES (1, 'e2e-api.example', 'VERIFIED', 't', 'edm1', 'pk', ?) RETURNING id
                """, Long.class, box.seal(org.edm.domain.testing.DkimTestKeys.PRIVATE_KEY_BASE64));
        db.update("""
                INSERT INTO sender_mailboxes (owner_id, domain_id, local_part, address, status, smtp_username,
                                              secret_ciphertext, secret_key_version)
                VALUES (1, ?, 'service', ?, 'NORMAL', ?, ?, 1)
                """, domain, LOGIN, LOGIN, box.seal(PASSWORD));
        String key = stack.post("/v1/api-keys", Map.of("name", "e2e")).get("secret").asText();

        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(apiUri("/api/v1/send"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of(
                        "to", "alice@inbox.example", "from", LOGIN, "subject", "Your code",
                        "html", "<p>Code 123 <a href=\"https://app.example/verify\">verify</a></p>",
                        "campaign_id", "signup-codes"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json.readTree(accepted.body()).get("id").asText();

        MimeMessage mail = awaitMail(Duration.ofMinutes(2));
        String html = (String) mail.getContent();
        assertThat(html).contains("/track/click/").doesNotContain("href=\"https://app.example/verify\"");
        Matcher pixel = PIXEL.matcher(html);
        assertThat(pixel.find()).as("open pixel in " + html).isTrue();
        assertThat(db.queryForObject("SELECT count(*) FROM user_quota_ledger WHERE reason = 'API_SEND' AND reference = ?",
                Long.class, id)).isEqualTo(1);

        // the reader opens it a minute later (an open within seconds of sending would count as a machine)
        db.update("UPDATE api_messages SET sent_at = sent_at - interval '1 minute' WHERE public_id = ?", id);
        HttpResponse<byte[]> gif = http.send(HttpRequest.newBuilder(URI.create(pixel.group(1)))
                .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0) Thunderbird/115").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gif.statusCode()).isEqualTo(200);

        JsonNode message = json.readTree(http.send(HttpRequest.newBuilder(apiUri("/api/v1/messages/" + id))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(message.path("status").asText()).isEqualTo("sent");
        assertThat(message.path("campaign_id").asText()).isEqualTo("signup-codes");
        assertThat(message.path("events").findValuesAsText("type")).contains("send_success", "open");
    }

    private URI apiUri(String path) {
        return URI.create("http://127.0.0.1:" + stack.apiPort + path);
    }

    private MimeMessage awaitMail(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            MimeMessage[] received = stack.smtp.getReceivedMessages();
            if (received.length > 0) {
                return received[0];
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no mail arrived within " + timeout);
    }
}
