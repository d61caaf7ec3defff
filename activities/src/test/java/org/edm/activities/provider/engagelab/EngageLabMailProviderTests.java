package org.edm.activities.provider.engagelab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;
import org.edm.activities.delivery.OutgoingMail;
import org.edm.activities.provider.FakeHttpApi;
import org.edm.activities.provider.FakeHttpApi.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EngageLabMailProviderTests {

    private static final String API_KEY = "the-engagelab-api-key";

    private FakeHttpApi api;
    private EngageLabMailProvider provider;

    @BeforeEach
    void start() throws Exception {
        api = new FakeHttpApi();
        provider = new EngageLabMailProvider(EngageLabSettings.parse(
                "{\"api_user\":\"edm_user\",\"endpoint\":\"http://127.0.0.1:" + api.port() + "/\"}"), API_KEY);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static OutgoingMail mail() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<https://x/u/tok>");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return new OutgoingMail(9, "news@el.example.com", "reader@example.test", "Hi \"you\"",
                "<p>Hello</p>", "<tok9@el.example.com>", headers);
    }

    @Test
    void postsOneJsonMessageWithBasicAuth() throws Exception {
        api.answer(r -> Reply.json(200, "{\"email_ids\":[\"el-1234\"],\"task_id\":77,\"request_id\":\"q\"}"));

        assertThat(provider.send(mail())).isEqualTo("el-1234");

        FakeHttpApi.Request request = api.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/mail/send");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString(("edm_user:" + API_KEY).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.header("Content-Type")).startsWith("application/json");
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.path("from").asText()).isEqualTo("news@el.example.com");
        assertThat(body.path("to").isArray()).isTrue();
        assertThat(body.path("to")).hasSize(1);
        assertThat(body.path("to").get(0).asText()).isEqualTo("reader@example.test");
        assertThat(body.path("body").path("subject").asText()).isEqualTo("Hi \"you\"");
        assertThat(body.path("body").path("content").path("html").asText()).isEqualTo("<p>Hello</p>");
        assertThat(body.path("body").path("headers").path("List-Unsubscribe").asText()).isEqualTo("<https://x/u/tok>");
        assertThat(request.body()).doesNotContain(API_KEY);
    }

    @Test
    void fromNameIsADisplayName() throws Exception {
        EngageLabMailProvider named = new EngageLabMailProvider(EngageLabSettings.parse(
                "{\"api_user\":\"u\",\"from_name\":\"Example News\",\"endpoint\":\"http://127.0.0.1:" + api.port()
                        + "\"}"), API_KEY);
        api.answer(r -> Reply.json(200, "{\"email_ids\":[\"x\"]}"));
        named.send(mail());
        assertThat(new ObjectMapper().readTree(api.requests().get(0).body()).path("from").asText())
                .isEqualTo("Example News <news@el.example.com>");
    }

    @Test
    void anInvalidRecipientFailsThatDeliveryOnly() {
        api.answer(r -> Reply.json(400, "{\"code\":30006,\"message\":\"invalid email address in to\"}"));
        MailSendException e = catchThrowableOfType(MailSendException.class, () -> provider.send(mail()));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.recipientFault()).isTrue();
    }

    @Test
    void authAndContentErrorsFailAndCountAgainstTheService() {
        api.answer(r -> Reply.json(401, "{\"code\":30001,\"message\":\"authentication failed\"}"));
        MailSendException auth = catchThrowableOfType(MailSendException.class, () -> provider.send(mail()));
        assertThat(auth.kind()).isEqualTo(Kind.REJECTED);
        assertThat(auth.recipientFault()).isFalse();
        assertThat(auth.getMessage()).contains("401").doesNotContain(API_KEY);

        api.answer(r -> Reply.json(400, "{\"code\":30010,\"message\":\"subject contains forbidden content\"}"));
        MailSendException content = catchThrowableOfType(MailSendException.class, () -> provider.send(mail()));
        assertThat(content.kind()).isEqualTo(Kind.REJECTED);
        assertThat(content.recipientFault()).isFalse();
    }

    @Test
    void throttlingIsRetriedAsNotSent() {
        api.answer(r -> Reply.json(429, "{\"code\":1,\"message\":\"too many requests\"}"));
        assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                .isEqualTo(Kind.NOT_SENT);
    }

    @Test
    void gatewayErrorsMayFollowAnAcceptedSendSoTheyAreUncertain() {
        // issue 11 item 10: a 502/503/504 can come from a proxy whose backend already accepted the message;
        // retrying it as NOT_SENT could deliver twice (INV-3)
        for (int status : new int[]{502, 503, 504}) {
            api.answer(r -> Reply.json(status, "{\"code\":1,\"message\":\"busy\"}"));
            assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                    .as("HTTP %d with a JSON body", status).isEqualTo(Kind.UNCERTAIN);
            api.answer(r -> Reply.gatewayPage(status));
            assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                    .as("HTTP %d from a gateway", status).isEqualTo(Kind.UNCERTAIN);
        }
        assertThat(api.requests()).as("the client itself never repeats a send").hasSize(6);
    }

    @Test
    void noAnswerAfterTheRequestWentOutIsUncertain() {
        api.answer(r -> Reply.hangUp());
        assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                .isEqualTo(Kind.UNCERTAIN);
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aReadTimeoutIsUncertain() {
        EngageLabMailProvider impatient = new EngageLabMailProvider(EngageLabSettings.parse(
                "{\"api_user\":\"u\",\"endpoint\":\"http://127.0.0.1:" + api.port() + "\"}"), API_KEY,
                Duration.ofMillis(300));
        api.answer(r -> new Reply(200, "{\"email_ids\":[\"late\"]}", 2_000));
        MailSendException e = catchThrowableOfType(MailSendException.class, () -> impatient.send(mail()));
        assertThat(e.kind()).isEqualTo(Kind.UNCERTAIN);
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aServerErrorMayHaveSentSoItIsUncertain() {
        api.answer(r -> Reply.json(500, "{\"code\":1,\"message\":\"internal\"}"));
        assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                .isEqualTo(Kind.UNCERTAIN);
    }

    @Test
    void noServerAtAllIsNotSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        EngageLabMailProvider unreachable = new EngageLabMailProvider(EngageLabSettings.parse(
                "{\"api_user\":\"u\",\"endpoint\":\"http://127.0.0.1:" + closedPort + "\"}"), API_KEY);
        assertThat(catchThrowableOfType(MailSendException.class, () -> unreachable.send(mail())).kind())
                .isEqualTo(Kind.NOT_SENT);
    }

    @Test
    void defaultsToTheSingaporeEndpointAndNeedsAnApiUser() {
        assertThat(EngageLabSettings.parse("{\"api_user\":\"u\"}").endpoint().toString())
                .isEqualTo("https://email.api.engagelab.cc");
        assertThatThrownBy(() -> EngageLabSettings.parse("{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EngageLabSettings.parse("{\"api_user\":\"u\",\"endpoint\":\"ftp://x\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
