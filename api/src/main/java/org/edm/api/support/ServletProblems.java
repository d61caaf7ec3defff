package org.edm.api.support;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.embedded.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside the controllers leave as problem documents too: a request the servlet container or the
 * security firewall refuses (e.g. an encoded '/' or '%' in a path) is forwarded to /error, which answers the same
 * RFC 9457 shape as {@code ApiProblemHandler} instead of Spring Boot's own error JSON. A method the api never
 * serves (TRACE, or any other than GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS) is a 405: Tomcat lets TRACE through
 * to the security firewall, which refuses it ({@code security/FirewallProblems}) (Tomcat alone would answer 400, and the servlet default would echo
 * the request, headers included).
 */
@Hidden
@RestController
class ServletProblems implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c && HttpStatus.resolve(c) != null ? HttpStatus.resolve(c)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = switch (status) {
            case BAD_REQUEST -> "the request was refused before it reached the api (e.g. an encoded '/', '%', ';' "
                    + "or control character in the path)";
            case INTERNAL_SERVER_ERROR -> "an unexpected error occurred; it has been logged";
            default -> status.getReasonPhrase();
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            problem.setInstance(java.net.URI.create(path.replaceAll("[^A-Za-z0-9/_.~-]", "_")));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @Configuration(proxyBeanMethods = false)
    static class TraceRequests {

        @Bean
        TomcatConnectorCustomizer traceReachesFirewall() {
            return connector -> connector.setAllowTrace(true);
        }
    }
}
