package org.edm.domain.audit;

/**
 * The audit trail (INV-8): who changed what, when, with the before and after images. Images are JSON the caller
 * already rendered (the same views the REST api returns, so they never contain a secret — INV-6).
 */
public interface AuditLog {

    void record(Long actorId, String action, String entity, Object entityId, String beforeJson, String afterJson,
                String requestJson, String clientIp);
}
