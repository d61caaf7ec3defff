package org.edm.activities.systemmail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.OutgoingMail;
import org.edm.activities.provider.smtp.SmtpMailProvider;
import org.edm.activities.provider.smtp.SmtpSettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.UUID;

/**
 * The platform's own sender ({@code edm.system-mail.*}): verification links of self sign-up, alert notices to
 * admins. Uses the same SMTP client as the SMTP sender services ({@link SmtpMailProvider}), one connection per mail:
 * these are rare. Callers turn {@link MailSendException} into Temporal failures that name no address.
 */
@Component
@EnableConfigurationProperties(SystemMailProperties.class)
public class SystemMail {

    private final SystemMailProperties mail;

    public SystemMail(SystemMailProperties mail) {
        this.mail = mail;
    }

    /** Whether a host and a From address are set (EDM_SYSTEM_MAIL_HOST, EDM_SYSTEM_MAIL_FROM). */
    public boolean configured() {
        return mail.configured();
    }

    /**
     * Sends one HTML mail; {@code messageIdTag} (no personal data) starts its Message-ID. Returns the server's id.
     *
     * @throws MailSendException refused or failed; {@link MailSendException#recipientFault()} for a bad recipient
     */
    public String send(String to, String subject, String html, String messageIdTag) throws MailSendException {
        String domain = domainOf(mail.from());
        String messageId = "<" + messageIdTag + "." + UUID.randomUUID() + "@" + domain + ">";
        SmtpSettings settings = new SmtpSettings(mail.host(), mail.port(),
                mail.username().isBlank() ? null : mail.username(), mail.tls() && !mail.ssl(), mail.ssl(), domain);
        try (SmtpMailProvider smtp = new SmtpMailProvider(settings, mail.password(), 1)) {
            return smtp.send(new OutgoingMail(0, mail.from(), to, subject, html, messageId, Map.of()));
        }
    }

    public static String escapeHtml(String text) {
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
