package org.edm.api.security;

import org.edm.api.support.ProblemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import java.util.Set;

/**
 * A request the security firewall refuses is answered as a problem document: 405 for a method the api never
 * serves (e.g. TRACE), else 400 (an encoded '/', '%', ';' or a control character in the path).
 */
@Configuration(proxyBeanMethods = false)
class FirewallProblems {

    private static final Set<String> SERVED = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    @Bean
    RequestRejectedHandler rejectedRequests(ProblemWriter problems) {
        return (request, response, rejected) -> {
            if (!SERVED.contains(request.getMethod())) {
                response.setHeader(HttpHeaders.ALLOW, String.join(", ", SERVED));
                problems.write(request, response, HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                        request.getMethod() + " is not served here");
            } else {
                problems.write(request, response, HttpStatus.BAD_REQUEST, "Bad request", "the request was refused "
                        + "before it reached the api (e.g. an encoded '/', '%', ';' or control character in the path)");
            }
        };
    }
}
