package org.edm.activities.provider.smtp;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.DummySSLSocketFactory;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.OutgoingMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Implicit TLS (SMTPS) with the lean client. GreenMail's certificate names no host, so even a client that trusts the
 * certificate itself must refuse it: the host name check is what keeps a campaign's login and mail from going to
 * whoever answers on that address.
 */
class LeanSmtpTlsTests {

    @RegisterExtension
    static final GreenMailExtension smtps = new GreenMailExtension(slowStartAllowed());

    private static com.icegreen.greenmail.util.ServerSetup slowStartAllowed() {
        // loading its key store takes longer than GreenMail's 2 s on a loaded machine
        com.icegreen.greenmail.util.ServerSetup setup = ServerSetupTest.SMTPS.dynamicPort();
        setup.setServerStartupTimeout(30_000);
        return setup;
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefusedAndNothingIsSent() {
        SmtpSettings settings = SmtpSettings.parse("{\"host\":\"localhost\",\"port\":" + smtps.getSmtps().getPort()
                + ",\"tls\":true,\"ssl\":true,\"username\":\"sender\"}", "mail.example");
        // trusts any certificate: only the host name check can refuse this one
        try (SmtpMailProvider provider = new SmtpMailProvider(settings, "secret-password", 1,
                new DummySSLSocketFactory())) {
            OutgoingMail mail = new OutgoingMail(1, "news@mail.example", "reader@example.test", "s", "<p>b</p>",
                    "<t1@mail.example>", Map.of());
            assertThatThrownBy(() -> provider.send(mail)).isInstanceOfSatisfying(MailSendException.class, e -> {
                assertThat(e.kind()).isEqualTo(MailSendException.Kind.NOT_SENT);
                assertThat(e.getMessage()).doesNotContain("secret-password")
                        .as("refused for the host name, not for anything else").contains("No name matching localhost");
            });
        }
        assertThat(smtps.getReceivedMessages()).isEmpty();
    }
}
