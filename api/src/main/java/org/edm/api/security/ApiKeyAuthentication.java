package org.edm.api.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A request to {@code /api/v1/**} authenticated by an API key. It carries ROLE_API_KEY only: never an admin, and
 * the key is no session (it cannot reach {@code /v1/**}).
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final EdmPrincipal principal;
    private final long keyId;

    ApiKeyAuthentication(EdmPrincipal principal, long keyId) {
        super(AuthorityUtils.createAuthorityList("ROLE_API_KEY"));
        this.principal = principal;
        this.keyId = keyId;
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

    long keyId() {
        return keyId;
    }
}
