package org.edm.activities.alert;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.temporal.failure.ApplicationFailure;
import jakarta.mail.internet.MimeMessage;
import org.edm.activities.systemmail.SystemMail;
import org.edm.activities.systemmail.SystemMailProperties;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.AlertRules;
import org.edm.domain.alert.Alerts;
import org.edm.workflows.alert.AlertNotice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.ServerSocket;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admins' alert digest through a real SMTP server (GreenMail), alerts in a real PostgreSQL. */
class AlertActivitiesTests {

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private ActivitiesHarness harness;
    private JdbcTemplate jdbc;
    private Alerts alerts;

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness();
        jdbc = harness.fixtures.jdbc();
        alerts = new Alerts(harness.jdbc);
        jdbc.update("INSERT INTO users (username, email, role) VALUES ('boss', 'boss@example.test', 'ADMIN')");
        jdbc.update("INSERT INTO users (username, email, role, enabled) VALUES ('gone', 'gone@example.test', 'ADMIN',"
                + " false)");
        jdbc.update("INSERT INTO users (username, email) VALUES ('op', 'operator@example.test')");
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private AlertActivitiesImpl activities(String host, int port) {
        SystemMail mail = new SystemMail(new SystemMailProperties(host, port, "", "", false, false,
                "EDM <alerts@edm.example.test>"));
        return new AlertActivitiesImpl(new AlertRules(alerts, AlertRules.Thresholds.DEFAULTS), alerts, mail, jdbc,
                Clock.systemUTC(), "https://edm.example.test");
    }

    private void raise(String subject, String message) {
        alerts.raise(new Alerts.Raise(AlertKinds.SENDER_SERVICE_FROZEN, AlertKinds.CRITICAL, subject, null, null,
                message, Map.of()));
    }

    private List<String> recipients(MimeMessage m) throws Exception {
        return Arrays.stream(m.getAllRecipients()).map(Object::toString).toList();
    }

    @Test
    void enabledAdminsGetOneDigestOfWhatChangedAndNothingTwice() throws Exception {
        raise("sender-service-1", "Sender service 1 was frozen: 3 failures <in 10 min>");
        raise("sender-service-2", "Sender service 2 was frozen: auth failed");
        alerts.resolve(AlertKinds.SENDER_SERVICE_FROZEN, "sender-service-1");
        AlertActivitiesImpl activities = activities("127.0.0.1", smtp.getSmtp().getPort());

        AlertNotice notice = activities.notifyAdminsOfAlerts();

        assertThat(notice.alerts()).isEqualTo(2);
        assertThat(notice.recipients()).isEqualTo(1);
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(recipients(received[0])).containsExactly("boss@example.test");
        assertThat(received[0].getSubject()).isEqualTo("[EDM] 1 alert(s) raised, 1 resolved");
        String body = GreenMailUtil.getBody(received[0]).replace("=\r\n", "").replace("=3D", "=");
        assertThat(body).contains("auth failed").contains("3 failures &lt;in 10 min&gt;")
                .contains("https://edm.example.test/v1/admin/alerts");

        assertThat(activities.notifyAdminsOfAlerts().alerts()).as("nothing new").isZero();
        assertThat(smtp.getReceivedMessages()).hasSize(1);

        alerts.resolve(AlertKinds.SENDER_SERVICE_FROZEN, "sender-service-2");
        assertThat(activities.notifyAdminsOfAlerts().alerts()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).hasSize(2);
        assertThat(smtp.getReceivedMessages()[1].getSubject()).isEqualTo("[EDM] 0 alert(s) raised, 1 resolved");
    }

    @Test
    void anUnreachableServerIsARetryableFailureThatNamesNoAddressAndKeepsTheAlertsToTell() throws Exception {
        raise("sender-service-3", "Sender service 3 was frozen");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> activities("127.0.0.1", closedPort).notifyAdminsOfAlerts())
                .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
                    assertThat(f.isNonRetryable()).isFalse();
                    assertThat(f.getMessage()).doesNotContain("boss@");
                });
        assertThat(alerts.toNotify(10)).hasSize(1);
        assertThat(activities("", 25).notifyAdminsOfAlerts().alerts()).as("not configured: nothing sent").isZero();
        assertThat(alerts.toNotify(10)).as("still to tell once the sender works").hasSize(1);
    }
}
