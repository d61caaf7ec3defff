package org.edm.activities.sending;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How sending domains' records are looked up.
 *
 * @param resolver {@code host} or {@code host:port} of the DNS resolver to ask (EDM_DNS_RESOLVER); empty: the
 *                 machine's resolvers (/etc/resolv.conf). A resolver that caches long makes "check now" slow to
 *                 see a fix, so a public recursive resolver (1.1.1.1, 8.8.8.8) is a good choice in production.
 * @param timeout  per query
 */
@ConfigurationProperties("edm.dns")
public record DnsProperties(String resolver, @DefaultValue("5s") Duration timeout) {
}
