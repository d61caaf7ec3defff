package org.edm.api.security;

/**
 * Who is making the current request. Every owner-scoped query filters on {@link #id()} (INV-5); admin-only
 * endpoints call {@link #requireAdmin()}. Until sign-in exists this is always the built-in admin
 * ({@link BuiltInAdmin}); the authentication issue replaces that one bean and nothing else.
 */
public interface CurrentUser {

    long id();

    boolean isAdmin();

    default void requireAdmin() {
        if (!isAdmin()) {
            throw new ForbiddenException("only an admin may manage sender services and user bindings");
        }
    }
}
