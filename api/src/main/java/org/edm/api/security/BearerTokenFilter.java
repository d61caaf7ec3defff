package org.edm.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * Signs the request in from {@code Authorization: Bearer <token>}. A token that is not live leaves the request
 * anonymous (marked, so the 401 says why): protected paths answer 401, public ones (tracking, webhooks,
 * sign-in) still work for a client that sends a stale token.
 * <p>
 * The developer API ({@value #API_KEY_PATHS}**) takes API keys only, and everything else session tokens only: a
 * leaked API key can send mail but never act in the console, and a console session is no sending credential.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";
    static final String API_KEY_PATHS = "/api/v1/";

    private final AuthTokens tokens;
    private final ApiKeys apiKeys;

    BearerTokenFilter(AuthTokens tokens, ApiKeys apiKeys) {
        this.tokens = tokens;
        this.apiKeys = apiKeys;
    }

    static boolean isApiKeyPath(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + API_KEY_PATHS);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            String credential = header.substring(PREFIX.length()).trim();
            Optional<? extends Authentication> authentication = isApiKeyPath(request)
                    ? apiKeys.authenticate(credential) : tokens.authenticate(credential);
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
