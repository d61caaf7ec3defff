package org.edm.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;

/**
 * 401 and 403 decided before a controller runs leave as the same RFC 7807 ProblemDetail JSON as every other
 * error of the api (see ApiProblemHandler).
 */
@Component
public class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    /** Request attribute set by {@link BearerTokenFilter} when a bearer token was presented but is not live. */
    static final String REJECTED_TOKEN = ProblemResponses.class.getName() + ".rejectedToken";

    private final ObjectMapper json;

    public ProblemResponses(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
                         AuthenticationException authException) throws IOException {
        boolean rejected = request.getAttribute(REJECTED_TOKEN) != null;
        response.setHeader("WWW-Authenticate", rejected ? "Bearer error=\"invalid_token\"" : "Bearer");
        if (BearerTokenFilter.isApiKeyPath(request)) {
            write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized", rejected
                    ? "the API key is invalid or revoked, or its user is disabled or not yet verified"
                    : "send an API key as 'Authorization: Bearer edm_live_...' (create one with POST /v1/api-keys)");
            return;
        }
        write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized", rejected
                ? "the bearer token is invalid, expired or revoked, or its user is disabled; sign in again"
                : "sign in first (POST /v1/auth/sign-in) and send the token as 'Authorization: Bearer <token>'");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
                       AccessDeniedException accessDeniedException) throws IOException {
        write(request, response, HttpStatus.FORBIDDEN, "Forbidden", "only an admin may do this");
    }

    /** For filters that answer before a controller runs (e.g. the request size limits). */
    public void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
                      String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        try {
            problem.setInstance(URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException notAUri) {
            // a path the firewall refused need not be a valid URI; the problem goes without instance then
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
