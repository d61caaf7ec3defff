package org.edm.api.support;

/** The request is well-formed but the resource's current state forbids it (409), e.g. editing an active campaign. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
