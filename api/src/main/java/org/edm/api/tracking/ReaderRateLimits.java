package org.edm.api.tracking;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Per-client-address token buckets of the public tracking endpoints ({@code edm.tracking.rate-limit.*}). Generous on
 * purpose: a reader opens a few mails a minute, but a company's NAT may put hundreds of readers behind one address.
 * Over the limit an open still gets its pixel and a click still its redirect, only nothing is recorded; the
 * unsubscribe confirmation answers 429.
 *
 * @param burst                 opens, clicks and unsubscribe-page views one address may make at once
 * @param perSecond             how fast that allowance refills
 * @param unsubscribeBurst      unsubscribe confirmations (POST) one address may make at once
 * @param unsubscribePerSecond  how fast that allowance refills
 * @param maxAddresses          addresses remembered at most (memory bound; idle ones are forgotten first)
 */
@ConfigurationProperties("edm.tracking.rate-limit")
record ReaderRateLimits(@DefaultValue("300") int burst,
                        @DefaultValue("5") double perSecond,
                        @DefaultValue("20") int unsubscribeBurst,
                        @DefaultValue("0.1") double unsubscribePerSecond,
                        @DefaultValue("100000") int maxAddresses) {
}
