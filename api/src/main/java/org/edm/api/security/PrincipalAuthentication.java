package org.edm.api.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

import java.util.Collection;

/** An authenticated request of one of our users: a session's bearer token or an API key. */
abstract class PrincipalAuthentication extends AbstractAuthenticationToken {

    private final EdmPrincipal principal;

    PrincipalAuthentication(EdmPrincipal principal, Collection<? extends GrantedAuthority> authorities) {
        super(authorities);
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public EdmPrincipal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.username();
    }
}
