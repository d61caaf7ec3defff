package org.edm.activities.apisend;

import jakarta.annotation.PreDestroy;
import org.edm.activities.delivery.MailProvider;
import org.edm.activities.provider.smtp.SmtpMailProvider;
import org.edm.activities.provider.smtp.SmtpSettings;
import org.edm.domain.crypto.SecretBox;
import org.springframework.stereotype.Component;

import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One SMTP provider per sender mailbox, logged in to DirectMail's SMTP interface with the mailbox's own
 * credentials, DKIM-signing with its domain's key, and kept (with its pooled connections) until the credentials
 * or the key change. Password and key are opened here and live only inside the provider: never logged, never in
 * a payload (INV-6).
 */
@Component
public class MailboxProviders implements AutoCloseable {

    private final SecretBox secrets;
    private final ApiSendProperties properties;
    private final Map<Long, Cached> providers = new ConcurrentHashMap<>();

    public MailboxProviders(SecretBox secrets, ApiSendProperties properties) {
        this.secrets = secrets;
        this.properties = properties;
    }

    private record Cached(String fingerprint, SmtpMailProvider provider) {
    }

    public MailProvider forMailbox(ApiMessages.Mailbox mailbox) {
        String fingerprint = mailbox.smtpUsername() + "|" + Arrays.hashCode(mailbox.secretCiphertext()) + "|"
                + mailbox.dkimSelector() + "|" + Arrays.hashCode(mailbox.dkimPrivateCiphertext());
        return providers.compute(mailbox.id(), (id, cached) -> {
            if (cached != null && cached.fingerprint().equals(fingerprint)) {
                return cached;
            }
            if (cached != null) {
                cached.provider().close();
            }
            String domain = mailbox.address().substring(mailbox.address().lastIndexOf('@') + 1);
            SmtpSettings settings = new SmtpSettings(properties.smtpHost(), properties.smtpPort(),
                    mailbox.smtpUsername(), false, properties.ssl(), domain);
            UnaryOperator<MimeMessage> signer = mailbox.dkimSelector() == null
                    || mailbox.dkimPrivateCiphertext() == null ? message -> message
                    : DkimSigning.signer(mailbox.domain() == null ? domain : mailbox.domain(), mailbox.dkimSelector(),
                    secrets.open(mailbox.dkimPrivateCiphertext()));
            return new Cached(fingerprint, new SmtpMailProvider(settings, secrets.open(mailbox.secretCiphertext()),
                    properties.concurrency(), signer));
        }).provider();
    }

    @Override
    @PreDestroy
    public void close() {
        providers.values().forEach(cached -> cached.provider().close());
        providers.clear();
    }
}
