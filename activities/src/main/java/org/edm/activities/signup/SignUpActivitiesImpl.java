package org.edm.activities.signup;

import io.temporal.failure.ApplicationFailure;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.systemmail.SystemMail;
import org.edm.domain.user.EmailVerification;
import org.edm.workflows.signup.SignUpActivities;
import org.edm.workflows.signup.SignUpVerificationInput;
import org.edm.workflows.signup.VerificationMailResult;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;

/**
 * Sends verification links through the system sender ({@link SystemMail}). The address is read here by user id and the
 * link is made here, so neither enters the workflow's history. Failures name no address.
 */
@Component("signUpActivities")
public class SignUpActivitiesImpl implements SignUpActivities {

    private final JdbcTemplate jdbc;
    private final EmailVerification verification;
    private final SystemMail mail;
    private final Clock clock;

    public SignUpActivitiesImpl(JdbcTemplate jdbc, EmailVerification verification, SystemMail mail,
                                Clock clock) {
        this.jdbc = jdbc;
        this.verification = verification;
        this.mail = mail;
        this.clock = clock;
    }

    private record Pending(String email, String status) {
    }

    @Override
    public VerificationMailResult sendVerificationMail(SignUpVerificationInput input) {
        long userId = input.userId();
        List<Pending> users = jdbc.query("SELECT email, status FROM users WHERE id = ?",
                (rs, i) -> new Pending(rs.getString("email"), rs.getString("status")), userId);
        if (users.isEmpty()) {
            // the api starts this workflow inside the transaction that creates the user: until that commits the
            // row is invisible, and if it rolls back nobody is waiting for this mail; retried until then
            throw ApplicationFailure.newFailure("user " + userId + " not found (yet)", "NoSuchUser");
        }
        Pending user = users.get(0);
        if (!"PENDING_VERIFICATION".equals(user.status())) {
            return new VerificationMailResult(userId, VerificationMailResult.ALREADY_VERIFIED, null);
        }
        if (!mail.configured()) {
            throw ApplicationFailure.newNonRetryableFailure("the system mail sender is not configured "
                    + "(EDM_SYSTEM_MAIL_HOST, EDM_SYSTEM_MAIL_FROM)", "SystemMailNotConfigured");
        }
        String link = verification.link(userId, clock.instant());
        long hours = verification.lifetime().toHours();
        String html = """
                <p>Welcome to EDM Orchestrator.</p>
                <p>Please confirm your e-mail address to activate your account:</p>
                <p><a href="%s">Verify my e-mail address</a></p>
                <p>The link works for %d hours. If you did not sign up, ignore this e-mail: without the click the
                account stays inactive.</p>
                """.formatted(SystemMail.escapeHtml(link), hours);
        try {
            String providerId = mail.send(user.email(), "Verify your e-mail address", html, "sign-up-" + userId);
            return new VerificationMailResult(userId, VerificationMailResult.SENT, providerId);
        } catch (MailSendException e) {
            if (e.recipientFault()) {
                throw ApplicationFailure.newNonRetryableFailure("the mail server refused the recipient of user "
                        + userId, "InvalidRecipient");
            }
            // not sent, refused for another reason or unknown: a second verification mail is harmless, so retry
            throw ApplicationFailure.newFailure("system mail to user " + userId + " failed: " + e.kind(),
                    "SystemMailFailed");
        }
    }
}
