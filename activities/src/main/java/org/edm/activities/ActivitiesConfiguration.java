package org.edm.activities;

import org.edm.activities.delivery.DeliveryProperties;
import org.edm.activities.delivery.SendLaneConnections;
import org.edm.activities.sending.AliyunDmAccountProperties;
import org.edm.activities.sending.DnsProperties;
import org.edm.activities.mailbox.ReturnPaths;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DeliveryProperties.class, DnsProperties.class, AliyunDmAccountProperties.class,
        org.edm.activities.apisend.ApiSendProperties.class, org.edm.domain.webhook.WebhookProperties.class,
        org.edm.activities.task.AudienceProperties.class,
        org.edm.activities.housekeeping.RetentionProperties.class})
public class ActivitiesConfiguration {

    /** Quota days are computed from this clock, so tests can stand on either side of a reset time. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Per-delivery return paths (VERP): issued when {@code EDM_BOUNCE_DOMAIN} is set, signed with
     * {@code EDM_BOUNCE_KEY} (else a key derived from {@code EDM_CREDENTIALS_KEY}); {@code EDM_BOUNCE_PREVIOUS_KEYS}
     * (comma-separated) still verify after a rotation.
     */
    @Bean
    @ConditionalOnMissingBean
    ReturnPaths returnPaths(@Value("${EDM_BOUNCE_DOMAIN:${edm.bounce.domain:}}") String domain,
                            @Value("${EDM_BOUNCE_KEY:${edm.bounce.key:}}") String key,
                            @Value("${EDM_BOUNCE_PREVIOUS_KEYS:${edm.bounce.previous-keys:}}") String previousKeys,
                            @Value("${EDM_CREDENTIALS_KEY:${edm.credentials-key:}}") String credentialsKey) {
        return ReturnPaths.fromEnvironment(domain, key, previousKeys, credentialsKey);
    }

    /** Connections planned for the send lanes' by-primary-key statements (see {@link SendLaneConnections}). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SendLaneConnections sendLaneConnections(DataSourceProperties dataSource, DeliveryProperties delivery,
                                            ObjectProvider<MeterRegistry> meters) {
        return new SendLaneConnections(dataSource, delivery.laneConnections(), meters.getIfAvailable());
    }
}
