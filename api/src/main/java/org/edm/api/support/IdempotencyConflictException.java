package org.edm.api.support;

/** An Idempotency-Key reused with a different request body (422): the first request's answer stays the answer. */
public class IdempotencyConflictException extends RuntimeException {

    public IdempotencyConflictException(String message) {
        super(message);
    }
}
