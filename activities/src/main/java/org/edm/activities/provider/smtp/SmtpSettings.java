package org.edm.activities.provider.smtp;

import org.edm.domain.sender.ProviderSettings;

/**
 * How to reach an SMTP service, from its stored settings ({@link ProviderSettings.Smtp}). {@code tls} means STARTTLS
 * is required; {@code ssl} (or port 465 with tls) means implicit TLS. {@code heloName} is the service's domain, which
 * is what a receiving server expects to hear.
 */
public record SmtpSettings(String host, int port, String username, boolean tls, boolean ssl, String heloName) {

    public static SmtpSettings parse(String json, String domain) {
        ProviderSettings.Smtp stored = ProviderSettings.Smtp.read(json);
        if (stored.host() == null) {
            throw new IllegalArgumentException("SMTP settings have no host");
        }
        boolean tls = stored.tls();
        int port = stored.port() != null ? stored.port() : tls ? 587 : 25;
        boolean ssl = stored.ssl() != null ? stored.ssl() : tls && port == 465;
        return new SmtpSettings(stored.host(), port, stored.username(), tls && !ssl, ssl, domain);
    }
}
