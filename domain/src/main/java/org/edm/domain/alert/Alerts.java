package org.edm.domain.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one home of alert rows: every writer raises and resolves through here, so "once per crossing" holds for all of
 * them. An alert is keyed by (kind, subject); at most one of a key is unresolved at a time (a partial unique index),
 * so raising while one is unresolved writes nothing, and the next crossing after a resolve is a new alert.
 * <ul>
 *   <li>event-driven writers ({@code QuotaLedger}, {@code ServiceHealth}, the domain DNS checks) call
 *       {@link #raise}/{@link #resolve} inside their own transaction, at the moment of the crossing;</li>
 *   <li>the {@code alerts} workflow's rules call {@link #reconcile} with one set-based query per kind: what holds now
 *       is raised, what no longer holds is resolved.</li>
 * </ul>
 * Acknowledging is a person saying "seen"; it does not resolve (the condition still holds).
 */
@Component
public class Alerts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = """
            id, kind, severity, subject, owner_id, sender_service_id, message, details::text AS details, created_at,
            resolved_at, acknowledged_at, acknowledged_by""";

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectProvider<AlertListener> listeners;

    @Autowired
    public Alerts(NamedParameterJdbcTemplate jdbc, ObjectProvider<AlertListener> listeners) {
        this.jdbc = jdbc;
        this.listeners = listeners;
    }

    /** Without listeners (tests, and writers built by hand outside Spring). */
    public Alerts(NamedParameterJdbcTemplate jdbc) {
        this(jdbc, null);
    }

    /** What a writer raises; {@code details} holds figures and ids only, never personal data. */
    public record Raise(String kind, String severity, String subject, Long ownerId, Long senderServiceId,
                        String message, Map<String, ?> details) {
    }

    /** What one {@link #reconcile} changed. */
    public record Reconciled(int raised, int resolved) {
    }

    /** The filter of a listing; {@code visibleTo} null: everything (admins). */
    public record Query(String state, String kind, Long visibleTo, int limit) {
    }

    /** Raises the alert unless one of its (kind, subject) is unresolved; returns the new alert's id, if any. */
    public Optional<Long> raise(Raise alert) {
        List<Long> id = jdbc.queryForList("""
                INSERT INTO alerts (kind, severity, subject, owner_id, sender_service_id, message, details)
                VALUES (:kind, :severity, :subject, :ownerId, :serviceId, :message, CAST(:details AS jsonb))
                ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING
                RETURNING id""", new MapSqlParameterSource("kind", alert.kind())
                .addValue("severity", alert.severity() == null ? AlertKinds.WARNING : alert.severity())
                .addValue("subject", alert.subject())
                .addValue("ownerId", alert.ownerId())
                .addValue("serviceId", alert.senderServiceId())
                .addValue("message", alert.message())
                .addValue("details", json(alert.details())), Long.class);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        tell(id, List.of());
        return Optional.of(id.get(0));
    }

    /** Resolves the unresolved alert of (kind, subject), if there is one; returns how many were resolved (0 or 1). */
    public int resolve(String kind, String subject) {
        List<Long> ids = jdbc.queryForList("""
                UPDATE alerts SET resolved_at = now()
                 WHERE kind = :kind AND subject = :subject AND resolved_at IS NULL
                RETURNING id""", new MapSqlParameterSource("kind", kind).addValue("subject", subject), Long.class);
        tell(List.of(), ids);
        return ids.size();
    }

    /**
     * Makes the unresolved alerts of {@code kind} match {@code currentSql}: a SELECT of the subjects for which the
     * condition holds now, with columns {@code subject, owner_id, sender_service_id, message, details} (jsonb).
     * Subjects that hold and have no unresolved alert are raised; unresolved alerts whose subject no longer holds are
     * resolved. One statement, so a crossing is raised once however many rule runs overlap. With {@code raise}
     * false only resolves (for conditions whose raising belongs to an event-driven writer, like QUOTA_LOW).
     */
    public Reconciled reconcile(String kind, String severity, String currentSql, MapSqlParameterSource params,
                                boolean raise) {
        String raised = raise ? """
                INSERT INTO alerts (kind, severity, subject, owner_id, sender_service_id, message, details)
                SELECT :alertKind, :alertSeverity, subject, owner_id, sender_service_id, message, details FROM current
                ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING
                RETURNING id""" : "SELECT CAST(NULL AS bigint) AS id WHERE false";
        MapSqlParameterSource p = new MapSqlParameterSource(params.getValues())
                .addValue("alertKind", kind).addValue("alertSeverity", severity);
        List<Map<String, Object>> changed = jdbc.queryForList("WITH current AS (" + currentSql + "), raised AS ("
                + raised + """
                ), resolved AS (
                    UPDATE alerts SET resolved_at = now()
                     WHERE kind = :alertKind AND resolved_at IS NULL
                       AND subject NOT IN (SELECT subject FROM current)
                    RETURNING id
                )
                SELECT 'raised' AS change, id FROM raised UNION ALL SELECT 'resolved', id FROM resolved
                """, p);
        List<Long> up = new ArrayList<>();
        List<Long> down = new ArrayList<>();
        for (Map<String, Object> row : changed) {
            ("raised".equals(row.get("change")) ? up : down).add(((Number) row.get("id")).longValue());
        }
        tell(up, down);
        return new Reconciled(up.size(), down.size());
    }

    public List<Alert> list(Query query) {
        MapSqlParameterSource p = new MapSqlParameterSource("limit", query.limit());
        StringBuilder where = new StringBuilder("TRUE");
        if (query.kind() != null) {
            where.append(" AND kind = :kind");
            p.addValue("kind", query.kind());
        }
        if (query.state() != null) {
            where.append(switch (query.state()) {
                case AlertState.OPEN -> " AND resolved_at IS NULL AND acknowledged_at IS NULL";
                case AlertState.ACKNOWLEDGED -> " AND resolved_at IS NULL AND acknowledged_at IS NOT NULL";
                case AlertState.RESOLVED -> " AND resolved_at IS NOT NULL";
                default -> throw new IllegalArgumentException("unknown alert state " + query.state());
            });
        }
        if (query.visibleTo() != null) {
            where.append(" AND ").append(VISIBLE);
            p.addValue("userId", query.visibleTo());
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM alerts WHERE " + where + " ORDER BY id DESC LIMIT :limit", p,
                ROW);
    }

    /**
     * What an operator sees (INV-5): alerts about their own tasks, campaigns, quota and domains (owner_id), and
     * about the sender services they are allowed to use.
     */
    private static final String VISIBLE = """
            (owner_id = :userId OR sender_service_id IN (
                SELECT sender_service_id FROM user_sender_service_access WHERE user_id = :userId))""";

    /** How many alerts are unresolved now. */
    public long unresolved() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM alerts WHERE resolved_at IS NULL", Map.of(), Long.class);
        return n == null ? 0 : n;
    }

    /** The alert if {@code visibleTo} (null: an admin) may see it. */
    public Optional<Alert> find(long id, Long visibleTo) {
        MapSqlParameterSource p = new MapSqlParameterSource("id", id).addValue("userId", visibleTo);
        return jdbc.query("SELECT " + COLUMNS + " FROM alerts WHERE id = :id"
                + (visibleTo == null ? "" : " AND " + VISIBLE), p, ROW).stream().findFirst();
    }

    /**
     * Acknowledges the alert (idempotent: the first acknowledgement stays). {@code ownedBy} non-null: only an alert
     * owned by that user (operators acknowledge their own, not a shared service's). Empty when there is no such
     * alert for the caller.
     */
    public Optional<Alert> acknowledge(long id, long actorId, Long ownedBy) {
        MapSqlParameterSource p = new MapSqlParameterSource("id", id).addValue("actor", actorId)
                .addValue("ownedBy", ownedBy);
        List<Alert> row = jdbc.query("""
                UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, now()),
                                  acknowledged_by = coalesce(acknowledged_by, :actor)
                 WHERE id = :id AND (CAST(:ownedBy AS bigint) IS NULL OR owner_id = :ownedBy)
                RETURNING""" + " " + COLUMNS, p, ROW);
        return row.stream().findFirst();
    }

    /** Alerts whose raising or resolving the admins have not been told about yet, oldest first. */
    public List<Alert> toNotify(int limit) {
        return jdbc.query("SELECT " + COLUMNS + """
                 FROM alerts
                WHERE notified_at IS NULL OR (resolved_at IS NOT NULL AND resolution_notified_at IS NULL)
                ORDER BY id LIMIT :limit""", new MapSqlParameterSource("limit", limit), ROW);
    }

    /** Records that the admins were told about these alerts as they are now (raised, and resolved if they are). */
    public void markNotified(Collection<Long> ids, Instant at) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.update("""
                UPDATE alerts SET notified_at = coalesce(notified_at, :at),
                       resolution_notified_at = CASE WHEN resolved_at IS NOT NULL AND resolved_at <= :at
                                                     THEN coalesce(resolution_notified_at, :at)
                                                     ELSE resolution_notified_at END
                 WHERE id IN (:ids)""", new MapSqlParameterSource("ids", ids).addValue("at", Timestamp.from(at)));
    }

    private void tell(List<Long> raised, List<Long> resolved) {
        if (listeners == null || (raised.isEmpty() && resolved.isEmpty())) {
            return;
        }
        List<AlertListener> all = listeners.orderedStream().toList();
        if (all.isEmpty()) {
            return;
        }
        for (long id : raised) {
            Alert alert = find(id, null).orElseThrow();
            all.forEach(l -> l.alertRaised(alert));
        }
        for (long id : resolved) {
            Alert alert = find(id, null).orElseThrow();
            all.forEach(l -> l.alertResolved(alert));
        }
    }

    private static String json(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("alert details are not JSON", e);
        }
    }

    private static final RowMapper<Alert> ROW = (rs, i) -> new Alert(rs.getLong("id"), rs.getString("kind"),
            rs.getString("severity"), rs.getString("subject"), (Long) rs.getObject("owner_id", Long.class),
            rs.getObject("sender_service_id", Long.class), rs.getString("message"), rs.getString("details"),
            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("resolved_at")),
            instant(rs.getTimestamp("acknowledged_at")), rs.getObject("acknowledged_by", Long.class));

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
