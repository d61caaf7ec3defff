package org.edm.activities.delivery;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import org.edm.domain.tracking.TrackingUrls;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a template and a recipient into a message. Variables: {@code nickname, email, unsubscribe_url,
 * campaign_name, task_name, send_date}. Contact data is HTML-escaped in the body (a nickname is not markup);
 * the subject is plain text and is not. A body that does not place {@code unsubscribe_url} itself gets a small
 * footer with the link, so no marketing e-mail leaves without one (INV-7).
 *
 * <p>Tracking: every http(s) link except our own unsubscribe link is rewritten (with an HTML parser, jsoup) to
 * the signed click redirect of the delivery's token, and a 1x1 open pixel is appended to the body.
 */
@Component
public class MessageRenderer {

    private static final DateTimeFormatter SEND_DATE = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final Mustache.Compiler BODY = Mustache.compiler().escapeHTML(true).defaultValue("");
    private static final Mustache.Compiler SUBJECT = Mustache.compiler().escapeHTML(false).defaultValue("");

    private final NamedParameterJdbcTemplate jdbc;
    private final TrackingUrls urls;
    /** Compiled once per template version; a template edited later is recompiled on its next use. */
    private final Map<Long, CompiledTemplate> cache = new ConcurrentHashMap<>();

    public MessageRenderer(NamedParameterJdbcTemplate jdbc, TrackingUrls urls) {
        this.jdbc = jdbc;
        this.urls = urls;
    }

    /** The compiled templates for these ids, read from the database only when new or changed. */
    public Map<Long, CompiledTemplate> templates(Collection<Long> templateIds) {
        if (templateIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, Instant> versions = new HashMap<>();
        jdbc.query("SELECT id, updated_at FROM templates WHERE id IN (:ids)", Map.of("ids", templateIds),
                rs -> {
                    versions.put(rs.getLong("id"), rs.getTimestamp("updated_at").toInstant());
                });
        List<Long> stale = versions.entrySet().stream()
                .filter(e -> {
                    CompiledTemplate cached = cache.get(e.getKey());
                    return cached == null || !cached.version().equals(e.getValue());
                })
                .map(Map.Entry::getKey)
                .toList();
        if (!stale.isEmpty()) {
            jdbc.query("SELECT id, updated_at, subject, body_html FROM templates WHERE id IN (:ids)",
                    Map.of("ids", stale), rs -> {
                        long id = rs.getLong("id");
                        cache.put(id, compile(id, rs.getTimestamp("updated_at"), rs.getString("subject"),
                                rs.getString("body_html")));
                    });
        }
        Map<Long, CompiledTemplate> result = new HashMap<>();
        versions.keySet().forEach(id -> result.put(id, cache.get(id)));
        return result;
    }

    private static CompiledTemplate compile(long id, Timestamp updatedAt, String subject, String body) {
        try {
            return new CompiledTemplate(id, updatedAt.toInstant(), SUBJECT.compile(subject), BODY.compile(body),
                    body.contains("unsubscribe_url"), null);
        } catch (MustacheException e) {
            return new CompiledTemplate(id, updatedAt.toInstant(), null, null, false,
                    "template " + id + " cannot be compiled: " + e.getMessage());
        }
    }

    public String unsubscribeUrl(String token) {
        return urls.unsubscribe(token);
    }

    /**
     * @throws MailSendException of kind REJECTED when the template cannot be rendered: sending it again would not
     *                           help, and nothing was sent
     */
    public OutgoingMail render(Recipient recipient, CompiledTemplate template, String domain, ZoneId zone,
                               Instant now) {
        if (template == null) {
            throw new MailSendException(MailSendException.Kind.REJECTED, "the delivery's template no longer exists");
        }
        if (template.brokenReason() != null) {
            throw new MailSendException(MailSendException.Kind.REJECTED, template.brokenReason());
        }
        String unsubscribeUrl = unsubscribeUrl(recipient.token());
        Map<String, Object> vars = new HashMap<>();
        vars.put("nickname", recipient.nickname() == null ? "" : recipient.nickname());
        vars.put("email", recipient.email());
        vars.put("unsubscribe_url", unsubscribeUrl);
        vars.put("campaign_name", recipient.campaignName());
        vars.put("task_name", recipient.taskName());
        vars.put("send_date", SEND_DATE.format(now.atZone(zone)));
        String subject;
        String body;
        try {
            // a subject is one header line: a line break from contact data must not start a new header
            subject = template.subject().execute(vars).replaceAll("[\\r\\n]+", " ").trim();
            body = template.body().execute(vars);
        } catch (MustacheException e) {
            throw new MailSendException(MailSendException.Kind.REJECTED,
                    "template " + template.id() + " cannot be rendered: " + e.getMessage(), e);
        }
        if (!template.placesUnsubscribeLink()) {
            body = withUnsubscribeFooter(body, unsubscribeUrl);
        }
        body = withTracking(body, recipient.token());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<" + unsubscribeUrl + ">");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return new OutgoingMail(recipient.deliveryId(), recipient.senderName() + "@" + domain, recipient.email(),
                subject, body, "<" + recipient.token() + "@" + domain + ">", headers);
    }

    private static String withUnsubscribeFooter(String body, String unsubscribeUrl) {
        String footer = "<p style=\"font-size:12px;color:#888888;margin-top:24px\">"
                + "不想再收到此类邮件？ / No longer interested? "
                + "<a href=\"" + Escapers.HTML.escape(unsubscribeUrl)
                + "\">退订 / Unsubscribe</a></p>";
        int end = body.toLowerCase(java.util.Locale.ROOT).lastIndexOf("</body>");
        return end < 0 ? body + footer : body.substring(0, end) + footer + body.substring(end);
    }

    /**
     * Rewrites each absolute http(s) link to the signed click redirect and appends the open pixel. Links to our
     * own endpoints (the unsubscribe link above all) stay as they are: unsubscribing must never depend on
     * tracking. mailto:, tel: and relative links are left alone.
     */
    private String withTracking(String body, String token) {
        boolean wholeDocument = body.toLowerCase(java.util.Locale.ROOT).contains("<html");
        Document doc = Jsoup.parse(body);
        doc.outputSettings().prettyPrint(false).charset(java.nio.charset.StandardCharsets.UTF_8)
                .escapeMode(org.jsoup.nodes.Entities.EscapeMode.base);
        for (Element link : doc.select("a[href], area[href]")) {
            String href = link.attr("href").trim();
            String lower = href.toLowerCase(java.util.Locale.ROOT);
            if ((lower.startsWith("http://") || lower.startsWith("https://")) && !urls.isOwnLink(href)) {
                link.attr("href", urls.click(token, href));
            }
        }
        doc.body().appendElement("img")
                .attr("src", urls.openPixel(token))
                .attr("width", "1").attr("height", "1").attr("alt", "")
                .attr("style", "display:block;width:1px;height:1px;border:0");
        return wholeDocument ? doc.outerHtml() : doc.body().html();
    }

    /** Who a delivery goes to and what the template may say about it. */
    public record Recipient(long deliveryId, String token, String email, String nickname, String senderName,
                            String taskName, String campaignName) {

        @Override
        public String toString() {
            return "Recipient[delivery=" + deliveryId + "]";
        }
    }

    /**
     * A template compiled for the version stored at {@code version}; {@code brokenReason} is set instead of the
     * templates when it does not compile.
     */
    public record CompiledTemplate(long id, Instant version, Template subject, Template body,
                                   boolean placesUnsubscribeLink, String brokenReason) {
    }
}
