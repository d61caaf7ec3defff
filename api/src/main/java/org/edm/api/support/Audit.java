package org.edm.api.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.api.security.CurrentUser;
import org.edm.domain.audit.AuditLog;
import org.springframework.stereotype.Component;

/**
 * Records a person's change (INV-8) in the caller's transaction. Before/after images are the api's own response
 * views, which by construction never carry a secret (INV-6).
 */
@Component
public class Audit {

    private final AuditLog log;
    private final CurrentUser currentUser;
    private final ObjectMapper json;

    Audit(AuditLog log, CurrentUser currentUser, ObjectMapper json) {
        this.log = log;
        this.currentUser = currentUser;
        this.json = json;
    }

    public void created(String entity, Object id, Object after) {
        record("CREATE", entity, id, null, after);
    }

    public void updated(String entity, Object id, Object before, Object after) {
        record("UPDATE", entity, id, before, after);
    }

    public void deleted(String entity, Object id, Object before) {
        record("DELETE", entity, id, before, null);
    }

    public void record(String action, String entity, Object id, Object before, Object after) {
        log.record(currentUser.id(), action, entity, id, toJson(before), toJson(after));
    }

    private String toJson(Object view) {
        if (view == null) {
            return null;
        }
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render audit image of " + view.getClass().getSimpleName(), e);
        }
    }
}
