package org.edm.system.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.internet.MimeMessage;
import org.edm.system.harness.AppProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 004 flow 1, steps 1-3, across the real processes: a developer signs up at the api JVM, the worker JVM mails
 * the verification link through the system sender (GreenMail), the link followed at the api activates the account
 * and the developer signs in. api and worker share only the environment (credentials key, public base URL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignUpEndToEndTests {

    private static final Pattern LINK = Pattern.compile("href=\"(http://127\\.0\\.0\\.1:\\d+/v1/auth/verify\\?token=[^\"]+)\"");

    private EndToEndStack stack;
    private AppProcess worker;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void startStack() throws Exception {
        stack = new EndToEndStack("sign-up");
        worker = stack.startWorker();
    }

    @AfterAll
    void stopStack() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private HttpResponse<String> postPublic(String path, Map<String, String> body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.apiPort + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private MimeMessage awaitMailTo(String address, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (MimeMessage m : stack.smtp.getReceivedMessages()) {
                if (GreenMailUtil.getAddressList(m.getAllRecipients()).contains(address)) {
                    return m;
                }
            }
            assertThat(Instant.now()).as("waiting for the verification mail").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aDeveloperSignsUpFollowsTheMailedLinkAndSignsIn() throws Exception {
        String email = "dev@mycompany.example.com";
        String password = "developer-password-1";
        assertThat(postPublic("/v1/auth/sign-up", Map.of("email", email, "password", password)).statusCode())
                .isEqualTo(202);
        assertThat(postPublic("/v1/auth/sign-in", Map.of("username", email, "password", password)).body())
                .contains("verify your e-mail address first");

        MimeMessage mail = awaitMailTo(email, Duration.ofSeconds(60));
        assertThat(mail.getSubject()).isEqualTo("Verify your e-mail address");
        Matcher link = LINK.matcher(GreenMailUtil.getBody(mail).replace("=\r\n", "").replace("=3D", "="));
        assertThat(link.find()).as("the verification link in the mail").isTrue();

        HttpResponse<String> verified = http.send(HttpRequest.newBuilder(URI.create(link.group(1))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(json.readTree(verified.body()).path("status").asText()).isEqualTo("ACTIVE");

        HttpResponse<String> signedIn = postPublic("/v1/auth/sign-in", Map.of("username", email, "password", password));
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(json.readTree(signedIn.body()).path("token").asText()).isNotBlank();
        long me = json.readTree(signedIn.body()).path("user").path("id").asLong();
        var user = stack.get("/v1/users/" + me);
        assertThat(user.path("quota_balance").asLong()).as("the sign-up grant").isEqualTo(100);
        assertThat(user.path("status").asText()).isEqualTo("ACTIVE");
    }
}
