package org.edm.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.edm.api.security.CurrentUser;
import org.edm.domain.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.HandlerMapping;

import java.lang.annotation.Annotation;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The audit trail (INV-8, seed 000 §10.2), kept by this one aspect and nowhere else: every POST, PUT, PATCH and
 * DELETE (and GET marked {@link ChangesState}, e.g. a followed verification link) a controller completes without
 * an error is recorded once, with the actor, the client address, the entity
 * and id taken from the request path, and before/after images.
 * <p>
 * The images are what {@code GET} on the same resource answers just before and just after the change (found by
 * {@link ResourceSnapshots}), so they show exactly what the person could see and never a secret: the api's views
 * are write-only for secrets (INV-6), and {@link #SECRET_KEYS} are masked anyway. A resource without such a GET
 * (an import, a sign-in) is pictured by the response body. A call that fails (any exception, so every 4xx and
 * 5xx) changed nothing and leaves no row.
 * <p>
 * Recipients' clicks and unsubscribes and providers' webhooks are not a person's changes; they are recorded in
 * {@code event_log} and skipped here ({@link #NOT_A_PERSON}).
 * <p>
 * The row is written right after the controller returns, in its own short transaction: services commit their
 * change (and sometimes signal a workflow) in several steps of their own, so there is no single transaction to
 * join. A crash in that window loses the row; it never records a change that did not happen.
 */
@Aspect
@Component
class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    /** Path prefixes of calls made by recipients (tracking links) and providers (webhooks), not by a person. */
    static final List<String> NOT_A_PERSON = List.of("/track/", "/unsubscribe/", "/webhooks/", "/v1/webhooks/",
            // API sends are a program's calls, hundreds a second; each message row is its own record
            "/api/v1/");

    /** JSON keys whose values never reach the audit log, whatever a view or body holds. */
    static final Set<String> SECRET_KEYS = Set.of("password", "new_password", "token", "secret", "api_key",
            "access_key_secret", "imap_password", "password_hash", "authorization");

    /**
     * Entities whose request bodies and pictures are personal data (a contact import lists addresses): their rows
     * keep only who did what to which id and the response's counts, so an erase leaves nothing behind (§10.4).
     */
    static final Set<String> PERSONAL_DATA = Set.of("contact");

    private final AuditLog auditLog;
    private final CurrentUser currentUser;
    private final ResourceSnapshots snapshots;
    private final ObjectMapper json;

    AuditTrail(AuditLog auditLog, CurrentUser currentUser, ResourceSnapshots snapshots, ObjectMapper json) {
        this.auditLog = auditLog;
        this.currentUser = currentUser;
        this.snapshots = snapshots;
        this.json = json;
    }

    @Around("@within(org.springframework.web.bind.annotation.RestController) && ("
            + "@annotation(org.springframework.web.bind.annotation.PostMapping)"
            + " || @annotation(org.springframework.web.bind.annotation.PutMapping)"
            + " || @annotation(org.springframework.web.bind.annotation.PatchMapping)"
            + " || @annotation(org.springframework.web.bind.annotation.DeleteMapping)"
            + " || @annotation(org.edm.api.audit.ChangesState))")
    Object record(ProceedingJoinPoint call) throws Throwable {
        HttpServletRequest request = currentRequest();
        String pattern = request == null ? null
                : (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (pattern == null || NOT_A_PERSON.stream().anyMatch(pattern::startsWith)) {
            return call.proceed();
        }
        // a variable restricted by a regex ({id:\\d+}, so /v1/contacts/import is not an id) is still {id}
        pattern = pattern.replaceAll("\\{(\\w+):[^}]*}", "{$1}");
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request
                .getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        AuditedPath path = AuditedPath.of(request.getMethod(), pattern, variables == null ? Map.of() : variables);
        Long actorBefore = actor();
        JsonNode before = path.id() == null || PERSONAL_DATA.contains(path.entity(false)) ? null
                : snapshots.of(path.pictures(), path.variables()).orElse(null);

        Object result = call.proceed();

        try {
            JsonNode response = body(result);
            boolean created = path.id() == null && idIn(response) != null;
            String id = created ? idIn(response) : path.id();
            JsonNode after = null;
            if (!"DELETE".equals(path.method())) {
                after = id == null ? response
                        : snapshots.of(path.pictures(), path.variablesWithId(id)).orElse(response);
            }
            Long actor = actorBefore != null ? actorBefore : actorIn(response);
            if (actor == null && request.getAttribute(AuditActor.ATTRIBUTE) instanceof Long subject) {
                actor = subject; // e.g. the user a sign-up created, which its answer does not name
            }
            String entity = path.entity(created);
            JsonNode asked = PERSONAL_DATA.contains(entity) ? null : requestBody(call);
            auditLog.record(actor, path.action(created), entity, id, text(mask(before)), text(mask(after)),
                    text(mask(asked)), request.getRemoteAddr());
        } catch (RuntimeException e) {
            // the change itself has committed; a missing audit row must be seen, not turned into a failed call
            log.error("audit row not written for {} {}", request.getMethod(), pattern, e);
        }
        return result;
    }

    /** The argument bound from the request body, if the handler takes one. */
    private JsonNode requestBody(ProceedingJoinPoint call) {
        if (!(call.getSignature() instanceof MethodSignature signature)) {
            return null;
        }
        Annotation[][] annotations = signature.getMethod().getParameterAnnotations();
        Object[] args = call.getArgs();
        for (int i = 0; i < annotations.length && i < args.length; i++) {
            for (Annotation annotation : annotations[i]) {
                if (annotation instanceof RequestBody && args[i] != null && !(args[i] instanceof byte[])) {
                    return args[i] instanceof CharSequence ? null : json.valueToTree(args[i]);
                }
            }
        }
        return null;
    }

    private Long actor() {
        try {
            return currentUser.id();
        } catch (RuntimeException notSignedIn) {
            return null;
        }
    }

    /** A sign-in (or a verification link) has no actor yet when it starts: the person it names is the actor. */
    private static Long actorIn(JsonNode response) {
        JsonNode userId = response == null ? null : response.path("user").path("id");
        return userId != null && userId.canConvertToLong() ? userId.asLong() : null;
    }

    private static String idIn(JsonNode response) {
        JsonNode id = response == null ? null : response.get("id");
        return id == null || id.isNull() || id.isContainerNode() ? null : id.asText();
    }

    private JsonNode body(Object result) {
        Object body = result instanceof ResponseEntity<?> entity ? entity.getBody() : result;
        if (body == null || body instanceof byte[] || body instanceof CharSequence) {
            return null;
        }
        return json.valueToTree(body);
    }

    /** The image with every {@link #SECRET_KEYS} value replaced, at any depth. */
    static JsonNode mask(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = copy.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (SECRET_KEYS.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                    field.setValue(copy.textNode("***"));
                } else {
                    field.setValue(mask(field.getValue()));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = node.deepCopy();
            for (int i = 0; i < copy.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) copy).set(i, mask(copy.get(i)));
            }
            return copy;
        }
        return node;
    }

    private String text(JsonNode node) {
        return node == null ? null : node.toString();
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest() : null;
    }
}
