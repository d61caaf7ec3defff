package org.edm.api.security;

import org.springframework.stereotype.Component;

/**
 * Stand-in for sign-in: every request acts as the built-in user 1 'admin' that V1__schema.sql seeds.
 * The ONE place that knows this; replace this bean when authentication arrives.
 */
@Component
class BuiltInAdmin implements CurrentUser {

    static final long BUILT_IN_ADMIN_ID = 1L;

    @Override
    public long id() {
        return BUILT_IN_ADMIN_ID;
    }

    @Override
    public boolean isAdmin() {
        return true;
    }
}
