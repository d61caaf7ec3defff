package org.edm.worker;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.StreamProvider;
import org.eclipse.angus.mail.util.MailStreamProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker names Jakarta Mail's stream provider up front, so writing a message does no ServiceLoader scan. */
class MailStreamProviderTests {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(WorkerApplication.STREAM_PROVIDER_PROPERTY);
        System.clearProperty(WorkerApplication.STREAM_PROVIDER_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(WorkerApplication.STREAM_PROVIDER_PROPERTY);
        } else {
            System.setProperty(WorkerApplication.STREAM_PROVIDER_PROPERTY, before);
        }
    }

    @Test
    void namesAngusMailsProviderAndMessagesStillWrite() throws Exception {
        WorkerApplication.nameMailStreamProvider();

        assertThat(System.getProperty(WorkerApplication.STREAM_PROVIDER_PROPERTY))
                .isEqualTo(MailStreamProvider.class.getName());
        assertThat(StreamProvider.provider()).isInstanceOf(MailStreamProvider.class);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setSubject("Grüße", "UTF-8");
        message.setText("<p>Hallo, schöne Grüße</p>", "UTF-8", "html");
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .contains("Content-Transfer-Encoding: quoted-printable")
                .contains("sch=C3=B6ne");
    }

    @Test
    void anExplicitSettingWins() {
        System.setProperty(WorkerApplication.STREAM_PROVIDER_PROPERTY, "com.example.OtherProvider");

        WorkerApplication.nameMailStreamProvider();

        assertThat(System.getProperty(WorkerApplication.STREAM_PROVIDER_PROPERTY)).isEqualTo("com.example.OtherProvider");
    }
}
