package org.edm.domain.user;

/** A verification link that is malformed, forged, expired or names a user that no longer exists (the api's 400). */
public class InvalidVerificationTokenException extends RuntimeException {

    public InvalidVerificationTokenException(String message) {
        super(message);
    }
}
