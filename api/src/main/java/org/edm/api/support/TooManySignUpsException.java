package org.edm.api.support;


import java.time.Duration;

/**
 * Too many sign-up or resend requests for one e-mail address or from one client address (429 with Retry-After).
 * It shares the Retry-After rounding of sign-in throttling and is told apart only by its title.
 */
public class TooManySignUpsException extends TooManySignInsException {

    public TooManySignUpsException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
