package org.edm.api.security;

import org.springframework.security.core.authority.AuthorityUtils;

/** A request authenticated by a bearer token (or, right after sign-in, by the password; then no token id yet). */
public final class BearerAuthentication extends PrincipalAuthentication {

    private final Long tokenId;

    public BearerAuthentication(EdmPrincipal principal, Long tokenId) {
        super(principal, principal.admin() ? AuthorityUtils.createAuthorityList("ROLE_ADMIN", "ROLE_OPERATOR")
                : AuthorityUtils.createAuthorityList("ROLE_OPERATOR"));
        this.tokenId = tokenId;
    }

    Long tokenId() {
        return tokenId;
    }
}
