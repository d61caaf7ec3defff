package org.edm.api.support;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How large a request body may be ({@code edm.limits.*}), checked by {@link RequestBodyLimits} before anything reads
 * it. The public endpoints get small limits because anyone may call them.
 *
 * @param webhookBody  {@code /webhooks/**}: provider event notifications (an MNS message is at most 64 KB)
 * @param trackingBody {@code /track/**} and {@code /unsubscribe/**}: at most a one-click form
 * @param importBody   {@code POST /v1/contacts/import}: 10,000 rows (streamed, see the contact importer)
 * @param body         every other endpoint (signed-in callers)
 */
@ConfigurationProperties("edm.limits")
public record RequestLimits(@DefaultValue("256KB") DataSize webhookBody,
                            @DefaultValue("16KB") DataSize trackingBody,
                            @DefaultValue("10MB") DataSize importBody,
                            @DefaultValue("5MB") DataSize body) {
}
