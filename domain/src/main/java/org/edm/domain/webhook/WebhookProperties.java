package org.edm.domain.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Outgoing webhooks, read by the api (registration checks) and the worker (the calls).
 *
 * @param allowPrivate   EDM_WEBHOOKS_ALLOW_PRIVATE: also allow http:// and loopback/private/link-local targets
 *                       (development and tests only; off in production, it is the SSRF guard)
 * @param connectTimeout EDM_WEBHOOKS_CONNECT_TIMEOUT
 * @param readTimeout    EDM_WEBHOOKS_READ_TIMEOUT: how long an endpoint may take to answer
 */
@ConfigurationProperties("edm.outgoing-webhooks")
public record WebhookProperties(@DefaultValue("false") boolean allowPrivate,
                                @DefaultValue("5s") Duration connectTimeout,
                                @DefaultValue("10s") Duration readTimeout) {

    public static final WebhookProperties DEFAULTS = new WebhookProperties(false, Duration.ofSeconds(5),
            Duration.ofSeconds(10));
}
