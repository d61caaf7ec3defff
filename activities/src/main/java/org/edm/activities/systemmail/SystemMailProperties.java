package org.edm.activities.systemmail;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The system sender ({@code edm.system-mail.*}, env {@code EDM_SYSTEM_MAIL_*}): the SMTP server the platform itself
 * writes from (verification links, alert notices), apart from the customers' sender services. {@code password} comes from the
 * environment only and is never logged ({@link #toString()}).
 *
 * @param host     SMTP host; blank means not configured (a verification mail then fails with
 *                 {@code SystemMailNotConfigured}, visible in the Temporal Web UI)
 * @param tls      require STARTTLS; {@code ssl} (or port 465 with tls) means implicit TLS
 * @param from     the From address, e.g. {@code EDM <no-reply@edm.example.com>}
 */
@ConfigurationProperties("edm.system-mail")
public record SystemMailProperties(@DefaultValue("") String host,
                                   @DefaultValue("587") int port,
                                   @DefaultValue("") String username,
                                   @DefaultValue("") String password,
                                   @DefaultValue("true") boolean tls,
                                   @DefaultValue("false") boolean ssl,
                                   @DefaultValue("") String from) {

    public boolean configured() {
        return !host.isBlank() && !from.isBlank();
    }

    @Override
    public String toString() {
        return "SystemMailProperties[host=" + host + ", port=" + port + ", tls=" + tls + ", ssl=" + ssl + "]";
    }
}
