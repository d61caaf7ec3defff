package org.edm.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Signs the request in from {@code Authorization: Bearer <token>}. A token that is not live leaves the request
 * anonymous (marked, so the 401 says why): protected paths answer 401, public ones (tracking, webhooks,
 * sign-in) still work for a client that sends a stale token.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";

    private final AuthTokens tokens;

    BearerTokenFilter(AuthTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            var authentication = tokens.authenticate(header.substring(PREFIX.length()).trim());
            if (authentication.isPresent()) {
                SecurityContext context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(authentication.get());
                SecurityContextHolder.setContext(context);
            } else {
                SecurityContextHolder.clearContext();
                request.setAttribute(ProblemResponses.REJECTED_TOKEN, Boolean.TRUE);
            }
        }
        chain.doFilter(request, response);
    }
}
