package org.edm.system.e2e;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.edm.system.harness.AppProcess;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The links in a real e-mail work: a campaign sent by the worker JVM through SMTP (GreenMail), and the open pixel,
 * click redirect and unsubscribe (page and RFC 8058 one-click) of the captured message followed against the api
 * JVM, which shares only the environment (public base URL, credentials key) with the worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackingEndToEndTests {

    private static final String PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15";

    private EndToEndStack stack;
    private AppProcess worker;
    private JdbcTemplate db;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void startStack() throws Exception {
        stack = EndToEndStack.withWorker("tracking", Map.of());
        worker = stack.worker();
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
    void pixelClickAndUnsubscribeFromTheCapturedMessageWork() throws Exception {
        stack.post("/v1/admin/sender-services", Map.of("name", "smtp-track", "provider", "SMTP",
                "domain", "track.example", "smtp", Map.of("host", "127.0.0.1", "port",
                        stack.smtp.getSmtp().getPort(), "tls", false),
                "daily_quota", 1000, "throttle_seconds", 0));
        stack.post("/v1/contacts/import", List.of(Map.of("email", "reader@inbox.example", "tags", List.of("trk"))));
        long template = stack.post("/v1/templates", Map.of("name", "trk", "subject", "Sale",
                "body_html", "<p>Hi {{nickname}}, <a href=\"https://shop.example/sale?x=1&amp;y=2\">see the sale</a>"
                        + "</p><p><a href=\"{{unsubscribe_url}}\">unsubscribe</a></p>")).get("id").asLong();
        long set = stack.post("/v1/template-sets", Map.of("name", "trk", "template_ids", List.of(template)))
                .get("id").asLong();
        long campaignId = stack.post("/v1/campaigns", Map.of("name", "trk", "start_time", Instant.now().toString(),
                "interval_days", 1, "tasks", List.of(Map.of("name", "trk task", "template_set_id", set,
                        "sender_name", "news", "recipient_rule", Map.of("include_tags", List.of("trk"))))))
                .get("id").asLong();
        stack.post("/v1/campaigns/" + campaignId + "/activate", Map.of());

        MimeMessage mail = awaitMail(Duration.ofMinutes(2));
        Document html = Jsoup.parse(htmlOf(mail));
        long contactId = db.queryForObject("SELECT id FROM contacts WHERE email = 'reader@inbox.example'", Long.class);
        // the reader opens it a minute later (an open within seconds of sending would count as a machine)
        db.update("UPDATE deliveries SET sent_at = sent_at - interval '1 minute' WHERE contact_id = ?", contactId);

        Element pixel = html.select("img[src*=/track/open/]").first();
        assertThat(pixel).as("open pixel in %s", html).isNotNull();
        HttpResponse<byte[]> gif = http.send(HttpRequest.newBuilder(URI.create(pixel.attr("src")))
                .header("User-Agent", PHONE).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gif.statusCode()).isEqualTo(200);
        assertThat(gif.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(gif.headers().firstValue("Cache-Control").orElse("")).contains("no-store");

        String click = html.select("a:contains(see the sale)").attr("href");
        assertThat(click).contains("/track/click/");
        HttpResponse<String> redirect = get(click);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("https://shop.example/sale?x=1&y=2");
        assertThat(get(click.replace("shop.example", "evil.example")).statusCode()).isEqualTo(400);

        String unsubscribe = html.select("a:contains(unsubscribe)").attr("href");
        assertThat(unsubscribe).contains("/unsubscribe/");
        assertThat(get(unsubscribe).body()).contains("One-Click");
        String header = mail.getHeader("List-Unsubscribe", null);
        assertThat(mail.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        HttpResponse<String> oneClick = http.send(HttpRequest.newBuilder(URI.create(header.replaceAll("[<>]", "")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(oneClick.statusCode()).isEqualTo(200);

        Map<String, Object> labels = db.queryForMap("SELECT * FROM campaign_contact_labels WHERE campaign_id = ? "
                + "AND contact_id = ?", campaignId, contactId);
        // "sent to in this campaign" is the SENT delivery itself (RecipientRule), not a label column
        assertThat(db.queryForObject("""
                SELECT count(*) FROM deliveries d JOIN tasks t ON t.id = d.task_id
                 WHERE t.campaign_id = ? AND d.contact_id = ? AND d.status = 'SENT'""", Integer.class, campaignId,
                contactId)).isEqualTo(1);
        assertThat(labels.get("opened_at")).isNotNull();
        assertThat(labels.get("clicked_at")).isNotNull();
        assertThat(labels.get("unsubscribed_at")).isNotNull();
        assertThat(db.queryForList("SELECT type FROM event_log WHERE contact_id = ? AND machine = FALSE ORDER BY id",
                String.class, contactId)).containsExactly("OPEN", "CLICK", "UNSUBSCRIBE");
        assertThat(db.queryForObject("""
                SELECT reason FROM suppressions s JOIN contacts c ON c.owner_id = s.owner_id
                 WHERE c.id = ? AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8'))""", String.class,
                contactId)).isEqualTo("UNSUBSCRIBED");
        assertThat(stack.get("/v1/campaigns/" + campaignId + "/report").path("totals").path("clicked").asInt())
                .isEqualTo(1);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("User-Agent", PHONE).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private MimeMessage awaitMail(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (stack.smtp.getReceivedMessages().length == 0) {
            assertThat(Instant.now()).as("waiting for the mail").isBefore(deadline);
            Thread.sleep(100);
        }
        return stack.smtp.getReceivedMessages()[0];
    }

    private static String htmlOf(Part part) throws Exception {
        if (part.isMimeType("text/html")) {
            return (String) part.getContent();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                String html = htmlOf(multipart.getBodyPart(i));
                if (html != null) {
                    return html;
                }
            }
        }
        return null;
    }
}
