package org.edm.api.send;

import org.edm.api.security.CurrentUser;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.PageView;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reading the caller's API messages: one message with its events, and the list (newest first, filtered). The same
 * reads serve the developer API (an API key) and the console (a session); both see only the caller's own messages,
 * and another user's message is 404, as if it did not exist.
 */
@Component
class MessageReads {

    /** The statuses a message shows, lower case, as in {@link MessageView}. */
    static final Set<String> STATUSES = Set.of("queued", "sending", "sent", "failed", "unknown");

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;

    MessageReads(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
    }

    /** The filters of the list; each is optional (null: any). */
    record Filter(String status, String campaignId, String to, String tag, OffsetDateTime from, OffsetDateTime until) {
    }

    MessageView message(String publicId) {
        List<MessageView> found = jdbc.query("""
                SELECT m.id, m.public_id, m.status, m.from_address, m.to_address, m.subject, m.tags,
                       c.public_id AS campaign_id, m.created_at, m.sent_at, m.error
                  FROM api_messages m LEFT JOIN campaigns c ON c.id = m.campaign_id
                 WHERE m.public_id = :id AND m.owner_id = :user
                """, Map.of("id", publicId, "user", currentUser.id()), (rs, i) -> {
            MessageSummary m = summary(rs);
            return new MessageView(m.id(), m.status(), m.from(), m.to(), m.subject(), m.campaignId(), m.tags(),
                    m.createdAt(), m.sentAt(), m.error(), events(rs.getLong("id")));
        });
        if (found.isEmpty()) {
            throw NotFoundException.of("message", publicId);
        }
        return found.get(0);
    }

    /** The caller's messages, newest first. */
    PageView<MessageSummary> list(Filter filter, int page, int size) {
        String status = filter.status() == null ? null : filter.status().toLowerCase(Locale.ROOT);
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidInputException("status", "must be one of queued, sending, sent, failed, unknown");
        }
        // from at or after until is an empty range, answered with an empty page (like the audit log), not a 400: the
        // contract cannot say that one parameter must be below another
        MapSqlParameterSource p = new MapSqlParameterSource("user", currentUser.id())
                .addValue("status", status == null ? null : status.toUpperCase(Locale.ROOT))
                .addValue("campaign", filter.campaignId())
                .addValue("to", filter.to() == null ? null : filter.to().trim().toLowerCase(Locale.ROOT))
                .addValue("tag", filter.tag())
                .addValue("from", filter.from())
                .addValue("until", filter.until())
                .addValue("limit", size)
                .addValue("offset", (long) page * size);
        // owner first: api_messages_owner_created (V125) serves the order and the owner's filters
        String where = """
                 WHERE m.owner_id = :user
                   AND (CAST(:status AS text) IS NULL OR m.status = :status)
                   AND (CAST(:campaign AS text) IS NULL
                        OR m.campaign_id = (SELECT id FROM campaigns WHERE owner_id = :user AND public_id = :campaign))
                   AND (CAST(:to AS text) IS NULL OR lower(m.to_address) = :to)
                   AND (CAST(:tag AS text) IS NULL OR m.tags @> ARRAY[CAST(:tag AS text)])
                   AND (CAST(:from AS timestamptz) IS NULL OR m.created_at >= :from)
                   AND (CAST(:until AS timestamptz) IS NULL OR m.created_at < :until)
                """;
        long total = jdbc.queryForObject("SELECT count(*) FROM api_messages m" + where, p, Long.class);
        List<MessageSummary> items = jdbc.query("""
                SELECT m.public_id, m.status, m.from_address, m.to_address, m.subject, m.tags,
                       c.public_id AS campaign_id, m.created_at, m.sent_at, m.error
                  FROM api_messages m LEFT JOIN campaigns c ON c.id = m.campaign_id
                """ + where + " ORDER BY m.created_at DESC, m.id DESC LIMIT :limit OFFSET :offset", p,
                (rs, i) -> summary(rs));
        return new PageView<>(items, page, size, total, (int) ((total + size - 1) / size));
    }

    private static MessageSummary summary(ResultSet rs) throws SQLException {
        Array tags = rs.getArray("tags");
        return new MessageSummary(rs.getString("public_id"), rs.getString("status").toLowerCase(Locale.ROOT),
                rs.getString("from_address"), rs.getString("to_address"), rs.getString("subject"),
                rs.getString("campaign_id"), tags == null ? List.of() : List.of((String[]) tags.getArray()),
                rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("sent_at")),
                rs.getString("error"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private List<MessageView.Event> events(long messageId) {
        return jdbc.query("""
                SELECT type, occurred_at, machine, details ->> 'url' AS url FROM event_log
                 WHERE message_id = :id ORDER BY occurred_at, id
                """, Map.of("id", messageId), (rs, i) -> new MessageView.Event(
                rs.getString("type").toLowerCase(Locale.ROOT), rs.getTimestamp("occurred_at").toInstant(),
                rs.getBoolean("machine"), rs.getString("url")));
    }
}
