package org.edm.activities.signup;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.temporal.failure.ApplicationFailure;
import jakarta.mail.internet.MimeMessage;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.user.EmailVerification;
import org.edm.domain.user.InvalidVerificationTokenException;
import org.edm.workflows.signup.SignUpVerificationInput;
import org.edm.workflows.signup.VerificationMailResult;
import org.edm.activities.systemmail.SystemMail;
import org.edm.activities.systemmail.SystemMailProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The verification mail through a real SMTP server (GreenMail) for a user in a real PostgreSQL. */
class SignUpActivitiesTests {

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final Pattern LINK = Pattern.compile("href=\"(https://edm\\.example\\.test/v1/auth/verify\\?token=([^\"]+))\"");

    static ActivitiesHarness harness;
    static JdbcTemplate jdbc;
    static EmailVerification verification;

    @BeforeAll
    static void start() {
        harness = new ActivitiesHarness();
        jdbc = harness.fixtures.jdbc();
        verification = new EmailVerification(jdbc, ActivitiesHarness.PUBLIC_BASE_URL,
                "activities-tests-sign-up-key".getBytes(), Duration.ofHours(24));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static SignUpActivitiesImpl activities(int port) {
        return new SignUpActivitiesImpl(jdbc, verification, new SystemMail(new SystemMailProperties("127.0.0.1", port,
                "", "", false, false, "EDM <no-reply@edm.example.test>")), Clock.systemUTC());
    }

    private static long pendingUser(String email) {
        return jdbc.queryForObject("INSERT INTO users (username, email, password_hash, role, status, signed_up_at) "
                + "VALUES (?, ?, 'x', 'OPERATOR', 'PENDING_VERIFICATION', now()) RETURNING id", Long.class, email, email);
    }

    private static String status(long userId) {
        return jdbc.queryForObject("SELECT status FROM users WHERE id = ?", String.class, userId);
    }

    @Test
    void theVerificationMailArrivesWithALinkThatActivatesTheAccount() throws Exception {
        long user = pendingUser("dev-" + System.nanoTime() + "@example.test");
        String email = jdbc.queryForObject("SELECT email FROM users WHERE id = ?", String.class, user);

        VerificationMailResult result = activities(smtp.getSmtp().getPort())
                .sendVerificationMail(new SignUpVerificationInput(user));

        assertThat(result.outcome()).isEqualTo(VerificationMailResult.SENT);
        MimeMessage received = null;
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (GreenMailUtil.getAddressList(m.getAllRecipients()).contains(email)) {
                received = m;
            }
        }
        assertThat(received).as("the mail to " + email).isNotNull();
        assertThat(received.getSubject()).isEqualTo("Verify your e-mail address");
        assertThat(received.getFrom()[0].toString()).contains("no-reply@edm.example.test");
        Matcher link = LINK.matcher(GreenMailUtil.getBody(received).replace("=\r\n", "").replace("=3D", "="));
        assertThat(link.find()).as("a verification link in the mail").isTrue();
        assertThat(status(user)).isEqualTo("PENDING_VERIFICATION");

        // following the link (what the api's GET /v1/auth/verify does) activates the account, once
        EmailVerification.Verified verified = verification.verify(link.group(2), Instant.now());
        assertThat(verified.userId()).isEqualTo(user);
        assertThat(verified.alreadyVerified()).isFalse();
        assertThat(status(user)).isEqualTo("ACTIVE");
        assertThat(jdbc.queryForObject("SELECT email_verified_at IS NOT NULL FROM users WHERE id = ?", Boolean.class,
                user)).isTrue();
        assertThat(verification.verify(link.group(2), Instant.now()).alreadyVerified()).isTrue();
        // the link dies after its lifetime
        assertThatThrownBy(() -> verification.verify(link.group(2), Instant.now().plus(Duration.ofHours(25))))
                .isInstanceOf(InvalidVerificationTokenException.class).hasMessageContaining("expired");
    }

    @Test
    void anActiveAccountGetsNoMoreMail() {
        long user = pendingUser("dev-" + System.nanoTime() + "@example.test");
        jdbc.update("UPDATE users SET status = 'ACTIVE' WHERE id = ?", user);
        int before = smtp.getReceivedMessages().length;

        assertThat(activities(smtp.getSmtp().getPort()).sendVerificationMail(new SignUpVerificationInput(user))
                .outcome()).isEqualTo(VerificationMailResult.ALREADY_VERIFIED);
        assertThat(smtp.getReceivedMessages()).hasSize(before);
    }

    @Test
    void anUnreachableServerIsARetryableFailureThatNamesNoAddress() throws Exception {
        long user = pendingUser("secret-person-" + System.nanoTime() + "@example.test");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> activities(closedPort).sendVerificationMail(new SignUpVerificationInput(user)))
                .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
                    assertThat(f.isNonRetryable()).isFalse();
                    assertThat(f.getMessage()).doesNotContain("secret-person");
                });
        assertThat(status(user)).isEqualTo("PENDING_VERIFICATION");
    }

    @Test
    void withoutASystemSenderTheMailFailsForGoodWithAClearReason() {
        long user = pendingUser("dev-" + System.nanoTime() + "@example.test");
        SignUpActivitiesImpl unconfigured = new SignUpActivitiesImpl(jdbc, verification,
                new SystemMail(new SystemMailProperties("", 587, "", "", true, false, "")), Clock.systemUTC());
        assertThatThrownBy(() -> unconfigured.sendVerificationMail(new SignUpVerificationInput(user)))
                .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
                    assertThat(f.isNonRetryable()).isTrue();
                    assertThat(f.getType()).isEqualTo("SystemMailNotConfigured");
                });
    }

    @Test
    void aForgedOrAlteredLinkIsRefused() {
        long user = pendingUser("dev-" + System.nanoTime() + "@example.test");
        String link = verification.link(user, Instant.now());
        String token = link.substring(link.indexOf("token=") + 6);
        String otherUser = (user + 1) + token.substring(token.indexOf('.'));
        String longerLife = token.replaceFirst("\\.(\\d+)\\.", ".9$1.");
        for (String bad : new String[]{otherUser, longerLife, "garbage", "", token + "x"}) {
            assertThatThrownBy(() -> verification.verify(bad, Instant.now()))
                    .isInstanceOf(InvalidVerificationTokenException.class).hasMessageContaining("not valid");
        }
        assertThat(status(user)).isEqualTo("PENDING_VERIFICATION");
        EmailVerification otherKey = new EmailVerification(jdbc, ActivitiesHarness.PUBLIC_BASE_URL,
                "a-different-sign-up-key".getBytes(), Duration.ofHours(24));
        assertThatThrownBy(() -> otherKey.verify(token, Instant.now()))
                .isInstanceOf(InvalidVerificationTokenException.class);
    }
}
