package org.edm.workflows.signup;

/** The user whose verification e-mail is to be sent. */
public record SignUpVerificationInput(long userId) {
}
