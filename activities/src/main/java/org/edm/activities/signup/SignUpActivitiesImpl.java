package org.edm.activities.signup;

import io.temporal.failure.ApplicationFailure;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.OutgoingMail;
import org.edm.activities.provider.smtp.SmtpMailProvider;
import org.edm.activities.provider.smtp.SmtpSettings;
import org.edm.domain.user.EmailVerification;
import org.edm.workflows.signup.SignUpActivities;
import org.edm.workflows.signup.SignUpVerificationInput;
import org.edm.workflows.signup.VerificationMailResult;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sends verification links through the system sender with the same SMTP client the SMTP sender services use
 * ({@link SmtpMailProvider}), one connection per mail: these are rare. The address is read here by user id and the
 * link is made here, so neither enters the workflow's history. Failures name no address.
 */
@Component("signUpActivities")
@EnableConfigurationProperties(SystemMailProperties.class)
public class SignUpActivitiesImpl implements SignUpActivities {

    private final JdbcTemplate jdbc;
    private final EmailVerification verification;
    private final SystemMailProperties mail;
    private final Clock clock;

    public SignUpActivitiesImpl(JdbcTemplate jdbc, EmailVerification verification, SystemMailProperties mail,
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
                """.formatted(escapeHtml(link), hours);
        String messageId = "<sign-up-" + userId + "." + UUID.randomUUID() + "@" + domainOf(mail.from()) + ">";
        SmtpSettings settings = new SmtpSettings(mail.host(), mail.port(),
                mail.username().isBlank() ? null : mail.username(), mail.tls() && !mail.ssl(), mail.ssl(),
                domainOf(mail.from()));
        try (SmtpMailProvider smtp = new SmtpMailProvider(settings, mail.password(), 1)) {
            String providerId = smtp.send(new OutgoingMail(0, mail.from(), user.email(),
                    "Verify your e-mail address", html, messageId, Map.of()));
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

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String domainOf(String from) {
        try {
            String address = new InternetAddress(from, true).getAddress();
            return address.substring(address.indexOf('@') + 1);
        } catch (AddressException | RuntimeException e) {
            return "localhost";
        }
    }
}
