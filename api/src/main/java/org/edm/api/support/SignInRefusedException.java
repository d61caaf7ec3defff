package org.edm.api.support;

/** Sign-in failed: wrong username or password (401), worded the same whether or not the username exists. */
public class SignInRefusedException extends RuntimeException {

    public SignInRefusedException(String message) {
        super(message);
    }
}
