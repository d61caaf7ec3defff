package org.edm.api.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Sign-in and session rules ({@code edm.security.*}).
 *
 * @param tokenLifetime          how long a bearer token from sign-in is valid (no sliding renewal)
 * @param maxFailedSignIns       this many failed sign-ins for one username from one client address (with no
 *                               success from there between, within {@code maxLockDuration}) lock that username for
 *                               that address: {@code lockDuration} after the last of them, doubling with each
 *                               further failure from there, up to {@code maxLockDuration}
 * @param lockDuration           the first lock; see {@code maxFailedSignIns}
 * @param maxLockDuration        the longest lock, and how long failures count toward one
 * @param maxFailuresPerAddress  this many failed sign-ins from one client address within {@code addressWindow}
 *                               refuse further sign-ins from it (429) until the window has moved on
 * @param addressWindow          see {@code maxFailuresPerAddress}
 * @param trustForwardedFor      take the client address from the last {@code X-Forwarded-For} entry (set only
 *                               behind exactly one reverse proxy that sets it); otherwise the TCP peer address
 */
@ConfigurationProperties("edm.security")
public record SecuritySettings(@DefaultValue("12h") Duration tokenLifetime,
                               @DefaultValue("5") int maxFailedSignIns,
                               @DefaultValue("15m") Duration lockDuration,
                               @DefaultValue("24h") Duration maxLockDuration,
                               @DefaultValue("20") int maxFailuresPerAddress,
                               @DefaultValue("15m") Duration addressWindow,
                               @DefaultValue("false") boolean trustForwardedFor) {
}
