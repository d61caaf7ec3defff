package org.edm.api.outgoingwebhook;

import org.edm.domain.webhook.WebhookProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
class OutgoingWebhookConfiguration {
}
