package org.edm.api.support;

import java.time.Duration;

/**
 * Sign-in refused for now (429 with Retry-After): the username is locked after too many failures, or the client
 * address made too many failed attempts.
 */
public class TooManySignInsException extends RuntimeException {

    private final Duration retryAfter;

    public TooManySignInsException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
    }

    /** Whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0));
    }
}
