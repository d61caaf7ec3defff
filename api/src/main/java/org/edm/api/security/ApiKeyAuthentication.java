package org.edm.api.security;

import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A request to {@code /api/v1/**} authenticated by an API key. It carries ROLE_API_KEY only: never an admin, and
 * the key is no session (it cannot reach {@code /v1/**}).
 */
final class ApiKeyAuthentication extends PrincipalAuthentication {

    private final long keyId;

    ApiKeyAuthentication(EdmPrincipal principal, long keyId) {
        super(principal, AuthorityUtils.createAuthorityList("ROLE_API_KEY"));
        this.keyId = keyId;
    }

    long keyId() {
        return keyId;
    }
}
