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
 * @param idlePoll       EDM_WEBHOOKS_IDLE_POLL: how often an endpoint's workflow with nothing to send looks for new
 *                       events (worker only; at least one second). Events the worker writes wait up to this long.
 */
@ConfigurationProperties("edm.outgoing-webhooks")
public record WebhookProperties(@DefaultValue("false") boolean allowPrivate,
                                @DefaultValue("5s") Duration connectTimeout,
                                @DefaultValue("10s") Duration readTimeout,
                                @DefaultValue("1m") Duration idlePoll) {

    public static final WebhookProperties DEFAULTS = new WebhookProperties(false, Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofMinutes(1));

    /** Shorter than a second would keep the workflow's history growing for nothing. */
    public WebhookProperties {
        if (idlePoll == null || idlePoll.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("edm.outgoing-webhooks.idle-poll must be at least 1s, was " + idlePoll);
        }
    }
}
