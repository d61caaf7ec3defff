package org.edm.activities;

import org.edm.activities.delivery.DeliveryProperties;
import org.edm.activities.sending.AliyunDmAccountProperties;
import org.edm.activities.sending.DnsProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DeliveryProperties.class, DnsProperties.class, AliyunDmAccountProperties.class,
        org.edm.activities.apisend.ApiSendProperties.class})
public class ActivitiesConfiguration {

    /** Quota days are computed from this clock, so tests can stand on either side of a reset time. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
