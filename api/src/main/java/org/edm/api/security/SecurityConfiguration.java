package org.edm.api.security;

import jakarta.servlet.http.HttpServletRequest;
import org.edm.api.console.ConsolePaths;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

import java.util.Map;

/**
 * Stateless bearer-token security. Public: sign-in, sign-up with its verification link, the recipients' tracking and unsubscribe links, provider
 * webhooks (they carry their own signatures), health and the API docs. Everything else needs a live token;
 * {@code /v1/users/**} and {@code /v1/admin/**} need an admin (the services check again with requireAdmin()).
 * The web console's static files and client routes are public too ({@link ConsolePaths}).
 * {@code /api/v1/**} (the developer API) needs an API key, and only there does an API key work.
 * No CSRF: nothing is authenticated by a cookie.
 */
@Configuration
@EnableConfigurationProperties({SecuritySettings.class, FirstAdminSettings.class})
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, AuthTokens tokens, ApiKeys apiKeys, ProblemResponses problems)
            throws Exception {
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(tokens, apiKeys), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/v1/auth/sign-in").permitAll()
                        .requestMatchers(HttpMethod.POST, "/v1/auth/sign-up", "/v1/auth/resend-verification")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/v1/auth/verify").permitAll()
                        .requestMatchers("/track/**", "/unsubscribe/**", "/webhooks/**").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // Prometheus scrapes without a token; the meters carry ids and counts, never contact data
                        .requestMatchers(HttpMethod.GET, "/actuator/prometheus").permitAll()
                        .requestMatchers("/swagger-ui.html", "/swagger-ui/**", "/v3/api-docs",
                                "/v3/api-docs/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        // the web console's files and client routes (GET only, never an api prefix); it calls the
                        // api with the signed-in user's token like any other client
                        .requestMatchers(SecurityConfiguration::consoleFile).permitAll()
                        .requestMatchers("/v1/users", "/v1/users/**", "/v1/admin/**").hasRole("ADMIN")
                        .requestMatchers("/api/v1/**").hasRole("API_KEY")
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    /**
     * No Spring Security observations: with Micrometer on the classpath Spring Security wraps every filter of the
     * chain in an observation of its own, which no meter, dashboard or alert reads; on {@code POST /api/v1/send}
     * that wrapping was the largest share of the request's CPU outside our code (EDM_BENCH_JFR=1 bin/bench send).
     * {@code http.server.requests} (the servlet's own observation) stays.
     */
    @Bean
    org.springframework.security.config.observation.SecurityObservationSettings noSecurityObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    /** GET or HEAD of a path of the web console (its files and client routes; never under an api prefix). */
    private static boolean consoleFile(HttpServletRequest request) {
        String method = request.getMethod();
        return (HttpMethod.GET.matches(method) || HttpMethod.HEAD.matches(method))
                && ConsolePaths.isConsolePath(request.getRequestURI().substring(request.getContextPath().length()));
    }

    /** Argon2id for new hashes; BCrypt hashes (if any were imported) still verify. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return new DelegatingPasswordEncoder("argon2", Map.of(
                "argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
                "bcrypt", new BCryptPasswordEncoder(12)));
    }
}
