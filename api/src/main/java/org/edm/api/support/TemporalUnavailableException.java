package org.edm.api.support;

/** Temporal could not be reached, so a workflow could not be started or signalled (503; the client may retry). */
public class TemporalUnavailableException extends RuntimeException {

    public TemporalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
