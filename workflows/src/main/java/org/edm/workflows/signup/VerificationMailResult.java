package org.edm.workflows.signup;

/**
 * What became of one verification e-mail: {@code SENT}, {@code ALREADY_VERIFIED} (nothing to send any more) or
 * {@code NO_SUCH_USER}; {@code messageId} is the SMTP server's id when it said one.
 */
public record VerificationMailResult(long userId, String outcome, String messageId) {

    public static final String SENT = "SENT";
    public static final String ALREADY_VERIFIED = "ALREADY_VERIFIED";
    public static final String NO_SUCH_USER = "NO_SUCH_USER";
}
