package org.edm.domain.user;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;

/**
 * api (verifies) and worker (writes the link) build the same {@link EmailVerification}: key {@code EDM_SIGN_UP_KEY}
 * or, when unset, one derived from {@code EDM_CREDENTIALS_KEY}; links live {@code edm.sign-up.link-lifetime}
 * (default 24 h) and point at {@code edm.public-base-url}.
 */
@Configuration(proxyBeanMethods = false)
public class EmailVerificationConfiguration {

    @Bean
    EmailVerification emailVerification(JdbcTemplate jdbc,
                                        @Value("${EDM_SIGN_UP_KEY:${edm.sign-up.key:}}") String signUpKey,
                                        @Value("${EDM_CREDENTIALS_KEY:${edm.credentials-key:}}") String credentialsKey,
                                        @Value("${edm.public-base-url:http://localhost:8080}") String publicBaseUrl,
                                        @Value("${edm.sign-up.link-lifetime:24h}") Duration lifetime) {
        return new EmailVerification(jdbc, publicBaseUrl, EmailVerification.keyFromEnvironment(signUpKey,
                credentialsKey), lifetime);
    }
}
