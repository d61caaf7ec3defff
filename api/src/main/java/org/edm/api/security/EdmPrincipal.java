package org.edm.api.security;

/** The signed-in user of a request, as the bearer token resolved it. */
public record EdmPrincipal(long id, String username, boolean admin) {
}
