package org.edm.api.security;

import org.edm.api.support.ForbiddenException;

/**
 * Who is making the current request. Every owner-scoped query filters on {@link #id()} (INV-5); admin-only
 * endpoints call {@link #requireAdmin()}. The one implementation ({@link SignedInUser}) reads the Spring
 * SecurityContext that the bearer-token filter fills; nothing else in the api looks at Spring Security.
 */
public interface CurrentUser {

    /** The signed-in user's id; throws {@link IllegalStateException} on a request nobody signed in to. */
    long id();

    /** Whether the signed-in user is an admin (false when nobody is signed in). */
    boolean isAdmin();

    /** Whether a user is signed in on this request (false on the public tracking, webhook and sign-in paths). */
    default boolean isSignedIn() {
        return true;
    }

    /** The client's address as the api sees it (see {@code edm.security.trust-forwarded-for}); null outside a request. */
    default String clientIp() {
        return null;
    }

    /** The API key that authenticated this request ({@code /api/v1/**}), empty for a session. */
    default java.util.Optional<Long> apiKeyId() {
        return java.util.Optional.empty();
    }

    default void requireAdmin() {
        if (!isAdmin()) {
            throw new ForbiddenException("only an admin may do this");
        }
    }
}
