package org.edm.domain.audit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Appends to {@code audit_log} in the caller's transaction, so an audited change and its record commit together. */
@Repository
class JdbcAuditLog implements AuditLog {

    private final JdbcTemplate jdbc;

    JdbcAuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void record(Long actorId, String action, String entity, Object entityId, String beforeJson,
                       String afterJson, String requestJson, String clientIp) {
        jdbc.update("""
                        INSERT INTO audit_log (actor_id, action, entity, entity_id, before, after, request, client_ip)
                        VALUES (?, ?, ?, ?, cast(? AS jsonb), cast(? AS jsonb), cast(? AS jsonb), ?)
                        """,
                actorId, action, entity, entityId == null ? null : String.valueOf(entityId), beforeJson, afterJson,
                requestJson, clientIp);
    }
}
