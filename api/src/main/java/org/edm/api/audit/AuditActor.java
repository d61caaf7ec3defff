package org.edm.api.audit;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The actor of a public request that has none yet, when the answer must not name them: a sign-up creates a user but
 * answers every address alike, so the service tells {@link AuditTrail} here whom the request was about.
 */
public final class AuditActor {

    static final String ATTRIBUTE = AuditActor.class.getName();

    private AuditActor() {
    }

    /** The current request acted for {@code userId} (ignored outside a request, and when someone is signed in). */
    public static void actedFor(long userId) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes != null) {
            attributes.setAttribute(ATTRIBUTE, userId, RequestAttributes.SCOPE_REQUEST);
        }
    }
}
