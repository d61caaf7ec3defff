package org.edm.api.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/** A request authenticated by a bearer token (or, right after sign-in, by the password; then no token id yet). */
public final class BearerAuthentication extends AbstractAuthenticationToken {

    private final EdmPrincipal principal;
    private final Long tokenId;

    public BearerAuthentication(EdmPrincipal principal, Long tokenId) {
        super(principal.admin() ? AuthorityUtils.createAuthorityList("ROLE_ADMIN", "ROLE_OPERATOR")
                : AuthorityUtils.createAuthorityList("ROLE_OPERATOR"));
        this.principal = principal;
        this.tokenId = tokenId;
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

    Long tokenId() {
        return tokenId;
    }
}
