package org.edm.api.tracking;

import jakarta.servlet.http.HttpServletRequest;
import org.edm.api.security.ClientAddress;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Decides whether a tracking hit from a client address counts ({@link ReaderRateLimits}). The address is the one
 * sign-in throttling uses ({@link ClientAddress}: the TCP peer, or the proxy's X-Forwarded-For entry when trusted).
 */
@Component
@EnableConfigurationProperties(ReaderRateLimits.class)
class ReaderThrottle {

    private final ClientAddress addresses;
    private final TokenBuckets hits;
    private final TokenBuckets unsubscribes;

    ReaderThrottle(ClientAddress addresses, ReaderRateLimits limits) {
        this.addresses = addresses;
        this.hits = new TokenBuckets(limits.burst(), limits.perSecond(), limits.maxAddresses(), System::nanoTime);
        this.unsubscribes = new TokenBuckets(limits.unsubscribeBurst(), limits.unsubscribePerSecond(),
                limits.maxAddresses(), System::nanoTime);
    }

    /** An open, a click or an unsubscribe page view: true when it may be recorded. */
    boolean hit(HttpServletRequest request) {
        return hits.take(addresses.of(request)) == 0;
    }

    /** An unsubscribe confirmation: 0 when it may go ahead, else the seconds to wait. */
    long unsubscribe(HttpServletRequest request) {
        return unsubscribes.take(addresses.of(request));
    }
}
