package org.edm.domain.tracking;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * api (verifies) and worker (signs) build the same {@link LinkSigner}: {@code EDM_TRACKING_KEY}
 * ({@code edm.tracking-key}) or, when unset, a key derived from {@code EDM_CREDENTIALS_KEY}.
 */
@Configuration(proxyBeanMethods = false)
public class TrackingConfiguration {

    @Bean
    TrackingUrls trackingUrls(@Value("${EDM_TRACKING_KEY:${edm.tracking-key:}}") String trackingKey,
                              @Value("${EDM_CREDENTIALS_KEY:${edm.credentials-key:}}") String credentialsKey,
                              @Value("${edm.public-base-url:http://localhost:8080}") String publicBaseUrl) {
        return new TrackingUrls(publicBaseUrl, LinkSigner.fromEnvironment(trackingKey, credentialsKey));
    }
}
