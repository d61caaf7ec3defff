package org.edm.activities.delivery;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import org.edm.activities.mailbox.ReturnPaths;
import org.edm.domain.tracking.TrackingUrls;
import org.springframework.beans.factory.annotation.Autowired;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a template and a recipient into a message. Variables: {@code nickname, email, unsubscribe_url,
 * campaign_name, task_name, send_date}. Contact data is HTML-escaped in the body (a nickname is not markup);
 * the subject is plain text and is not. A body that does not place {@code unsubscribe_url} itself gets a small
 * footer with the link, so no marketing e-mail leaves without one (INV-7).
 *
 * <p>Admin-defined variables ({@code email_variables}, {@code /v1/settings/variables}) are filled too:
 * CONTACT_FIELD takes {@code source_details.attribute} (or {@code .field}) from the contact ({@code nickname} and
 * {@code email} are columns, anything else a key of {@code contacts.attributes}, empty when missing);
 * CONTACT_TAG is {@code true} when the contact has {@code source_details.tag}, for a section
 * {@code {{#vip}}...{{/vip}}}; SYSTEM names one of the built-in message values in {@code source_details.name}.
 * The definitions are read once per batch, in {@link #templates}.
 *
 * <p>Tracking: every http(s) link except our own unsubscribe link is rewritten to the signed click redirect of the
 * delivery's token, and a 1x1 open pixel is appended to the body ({@link LinkTracking}, one pass, no parser).
 */
@Component
public class MessageRenderer {

    private static final DateTimeFormatter SEND_DATE = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final Mustache.Compiler BODY = Mustache.compiler().escapeHTML(true).defaultValue("");
    private static final Mustache.Compiler SUBJECT = Mustache.compiler().escapeHTML(false).defaultValue("");

    private final NamedParameterJdbcTemplate jdbc;
    private final TrackingUrls urls;
    /** Null: the envelope sender stays the From address. */
    private final ReturnPaths returnPaths;
    /** Compiled once per template version; a template edited later is recompiled on its next use. */
    private final Map<Long, CompiledTemplate> cache = new ConcurrentHashMap<>();
    /** The admin-defined variables as of the latest batch; global (not per owner), so any batch may refresh them. */
    private volatile List<Variable> variables = List.of();

    public MessageRenderer(NamedParameterJdbcTemplate jdbc, TrackingUrls urls) {
        this(jdbc, urls, null);
    }

    @Autowired
    public MessageRenderer(NamedParameterJdbcTemplate jdbc, TrackingUrls urls, ReturnPaths returnPaths) {
        this.jdbc = jdbc;
        this.urls = urls;
        this.returnPaths = returnPaths;
    }

    /** The compiled templates for these ids, read from the database only when new or changed. */
    public Map<Long, CompiledTemplate> templates(Collection<Long> templateIds) {
        if (templateIds.isEmpty()) {
            return Map.of();
        }
        refreshVariables();
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

    /** Reads the admin-defined variables (a handful of rows); called once per batch. */
    void refreshVariables() {
        variables = List.copyOf(jdbc.query("""
                SELECT variable_key, source_type,
                       CASE source_type
                            WHEN 'CONTACT_FIELD' THEN coalesce(source_details ->> 'attribute', source_details ->> 'field')
                            WHEN 'CONTACT_TAG' THEN source_details ->> 'tag'
                            ELSE source_details ->> 'name' END AS detail
                  FROM email_variables ORDER BY id
                """, Map.of(), (rs, i) -> new Variable(rs.getString("variable_key"), rs.getString("source_type"),
                rs.getString("detail"))));
    }

    /** For tests without a database. */
    void useVariables(List<Variable> definitions) {
        variables = List.copyOf(definitions);
    }

    private static CompiledTemplate compile(long id, Timestamp updatedAt, String subject, String body) {
        try {
            return new CompiledTemplate(id, updatedAt.toInstant(), SUBJECT.compile(subject), BODY.compile(body),
                    body.contains("unsubscribe_url"), null);
        } catch (MustacheException e) {
            return new CompiledTemplate(id, updatedAt.toInstant(), null, null, false,
                    "template " + id + " cannot be compiled: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // the api refuses such templates on save; one already stored must not take the batch down with it
            return new CompiledTemplate(id, updatedAt.toInstant(), null, null, false,
                    "template " + id + " cannot be rendered: " + whatWentWrong(e));
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
        vars.put("send_date", sendDate(now, zone));
        for (Variable variable : variables) {
            // the api keeps admin keys apart from the built-in ones; should one slip through, the built-in wins
            vars.putIfAbsent(variable.key(), variable.valueFor(recipient, vars));
        }
        String subject;
        String body;
        try {
            // a subject is one header line: a line break from contact data must not start a new header
            subject = OutgoingMail.oneLine(template.subject().execute(vars)).trim();
            body = template.body().execute(vars);
            if (!template.placesUnsubscribeLink()) {
                body = withUnsubscribeFooter(body, unsubscribeUrl);
            }
            body = withTracking(body, recipient.token());
        } catch (MustacheException e) {
            throw new MailSendException(MailSendException.Kind.REJECTED,
                    "template " + template.id() + " cannot be rendered: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            // Sections nested too deep overflow the renderer's stack; any such failure is this template's, for every
            // recipient alike: the delivery fails (REJECTED, not retried) and the batch goes on. No cause attached:
            // the message is all a reader needs, and it holds no contact data.
            throw new MailSendException(MailSendException.Kind.REJECTED,
                    "template " + template.id() + " cannot be rendered: " + whatWentWrong(e));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<" + unsubscribeUrl + ">");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return new OutgoingMail(recipient.deliveryId(), recipient.senderName() + "@" + domain, recipient.email(),
                subject, body, "<" + recipient.token() + "@" + domain + ">", headers, null,
                returnPaths == null ? null : returnPaths.forToken(recipient.token()));
    }

    /** {@code send_date} of the day it was formatted for, valid from {@code from} until {@code until}. */
    private record SendDate(ZoneId zone, Instant from, Instant until, String text) {
    }

    private volatile SendDate sendDate = new SendDate(null, Instant.MAX, Instant.MIN, "");

    /** The send date in the service's zone; formatted once a day, not per message (a fifth of rendering). */
    private String sendDate(Instant now, ZoneId zone) {
        SendDate d = sendDate;
        if (!zone.equals(d.zone()) || now.isBefore(d.from()) || !now.isBefore(d.until())) {
            java.time.LocalDate day = now.atZone(zone).toLocalDate();
            d = new SendDate(zone, day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant(),
                    SEND_DATE.format(day));
            sendDate = d;
        }
        return d.text();
    }

    /** Why rendering failed, without the message of the throwable (it might quote contact data). */
    private static String whatWentWrong(Throwable e) {
        return e instanceof StackOverflowError
                ? "its sections are nested too deeply for the renderer (stack overflow)"
                : e.getClass().getSimpleName();
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
     * tracking. mailto:, tel: and relative links are left alone. Public for API messages, which are tracked the
     * same way as deliveries. One pass over the text, the rest of the HTML as written ({@link LinkTracking}).
     */
    public String withTracking(String body, String token) {
        return LinkTracking.apply(body, token, urls);
    }

    /**
     * Who a delivery goes to and what the template may say about it. {@code attributes}: the contact's
     * {@code attributes} JSON as text values (scalars as they read, objects and arrays as JSON).
     */
    public record Recipient(long deliveryId, String token, String email, String nickname, String senderName,
                            String taskName, String campaignName, Set<String> tags, Map<String, String> attributes) {

        public Recipient {
            tags = tags == null ? Set.of() : Set.copyOf(tags);
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }

        public Recipient(long deliveryId, String token, String email, String nickname, String senderName,
                         String taskName, String campaignName) {
            this(deliveryId, token, email, nickname, senderName, taskName, campaignName, Set.of(), Map.of());
        }

        @Override
        public String toString() {
            return "Recipient[delivery=" + deliveryId + "]";
        }
    }

    /**
     * An admin-defined variable: {@code sourceType} CONTACT_FIELD, CONTACT_TAG or SYSTEM; {@code detail} the
     * attribute, tag or system value it names (null when its source_details lack it: it then renders empty).
     */
    public record Variable(String key, String sourceType, String detail) {

        /** The built-in values a SYSTEM variable may name. */
        static final Set<String> SYSTEM_VALUES = Set.of("campaign_name", "task_name", "send_date", "unsubscribe_url");

        Object valueFor(Recipient recipient, Map<String, Object> builtIn) {
            if (detail == null) {
                return "CONTACT_TAG".equals(sourceType) ? Boolean.FALSE : "";
            }
            return switch (sourceType) {
                case "CONTACT_FIELD" -> switch (detail) {
                    case "nickname" -> recipient.nickname() == null ? "" : recipient.nickname();
                    case "email" -> recipient.email() == null ? "" : recipient.email();
                    default -> recipient.attributes().getOrDefault(detail, "");
                };
                case "CONTACT_TAG" -> recipient.tags().contains(detail);
                case "SYSTEM" -> SYSTEM_VALUES.contains(detail) ? builtIn.getOrDefault(detail, "") : "";
                default -> "";
            };
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
