package org.edm.api.audit;

import jakarta.annotation.Nullable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.PageView;
import org.edm.api.support.Paging;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.OffsetDateTime;
import java.util.List;

/** Admins read the audit trail (seed 000 §10.2), newest first, filtered by actor, entity, id, action and time. */
@RestController
@Tag(name = "Audit log", description = "Who changed what, when, from where (admin only)")
class AuditLogController {

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final ObjectMapper json;

    AuditLogController(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser, ObjectMapper json) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
        this.json = json;
    }

    record AuditEntry(long id, OffsetDateTime at, @Nullable Long actorId, @Nullable String actorUsername,
                      String action, String entity,
                      @Nullable String entityId, @Nullable JsonNode before, @Nullable JsonNode after,
                      @Nullable JsonNode request, @Nullable String clientIp) {
    }

    @GetMapping("/v1/admin/audit-log")
    @Transactional(readOnly = true)
    @Operation(summary = "The audit trail, newest first; every filter is optional")
    PageView<AuditEntry> list(@RequestParam(name = "actor_id", required = false) Long actorId,
                              @RequestParam(required = false) String entity,
                              @RequestParam(name = "entity_id", required = false) String entityId,
                              @RequestParam(required = false) String action,
                              @RequestParam(required = false) OffsetDateTime from,
                              @RequestParam(required = false) OffsetDateTime to,
                              @RequestParam(defaultValue = "0") @Min(0) @Max(Paging.MAX_PAGE) int page,
                              @RequestParam(defaultValue = "50") @Min(1) @Max(Paging.MAX_SIZE) int size) {
        currentUser.requireAdmin();
        MapSqlParameterSource p = new MapSqlParameterSource("actor", actorId).addValue("entity", entity)
                .addValue("entityId", entityId).addValue("action", action == null ? null : action.toUpperCase())
                // as UTC: PostgreSQL refuses offsets beyond ±15:59 that java.time (and the contract) allow up to ±18:00
                .addValue("from", utc(from)).addValue("to", utc(to)).addValue("limit", size)
                .addValue("offset", (long) page * size);
        String where = """
                 WHERE (cast(:actor AS bigint) IS NULL OR a.actor_id = :actor)
                   AND (cast(:entity AS text) IS NULL OR a.entity = :entity)
                   AND (cast(:entityId AS text) IS NULL OR a.entity_id = :entityId)
                   AND (cast(:action AS text) IS NULL OR a.action = :action)
                   AND (cast(:from AS timestamptz) IS NULL OR a.at >= :from)
                   AND (cast(:to AS timestamptz) IS NULL OR a.at < :to)
                """;
        long total = jdbc.queryForObject("SELECT count(*) FROM audit_log a" + where, p, Long.class);
        List<AuditEntry> items = jdbc.query("""
                SELECT a.id, a.at, a.actor_id, u.username, a.action, a.entity, a.entity_id,
                       a.before::text, a.after::text, a.request::text, a.client_ip
                  FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
                """ + where + " ORDER BY a.id DESC LIMIT :limit OFFSET :offset", p, (rs, i) -> new AuditEntry(
                rs.getLong(1), rs.getObject(2, OffsetDateTime.class), (Long) rs.getObject(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), tree(rs.getString(8)), tree(rs.getString(9)),
                tree(rs.getString(10)), rs.getString(11)));
        return new PageView<>(items, page, size, total, (int) ((total + size - 1) / size));
    }

    private JsonNode tree(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("audit_log holds invalid JSON", e);
        }
    }

    private static OffsetDateTime utc(OffsetDateTime at) {
        return at == null ? null : at.withOffsetSameInstant(java.time.ZoneOffset.UTC);
    }
}
