package org.edm.activities.provider.aliyun;

import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;
import org.edm.activities.delivery.OutgoingMail;
import org.edm.activities.provider.FakeHttpApi;
import org.edm.activities.provider.FakeHttpApi.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AliyunDmMailProviderTests {

    private static final String SECRET = "the-access-key-secret";

    private FakeHttpApi api;
    private AliyunDmMailProvider provider;

    @BeforeEach
    void start() throws Exception {
        api = new FakeHttpApi();
        provider = provider("{\"region\":\"cn-hangzhou\",\"access_key_id\":\"LTAI-test-id\","
                + "\"endpoint\":\"127.0.0.1:" + api.port() + "\"}");
    }

    @AfterEach
    void stop() {
        provider.close();
        api.close();
    }

    private static AliyunDmMailProvider provider(String settings) {
        return new AliyunDmMailProvider(AliyunDmSettings.parse(settings), SECRET);
    }

    private static OutgoingMail mail() {
        return new OutgoingMail(7, "news@dm.example.com", "reader@example.test", "你好 & welcome",
                "<p>Hello <a href=\"https://x/u?a=1&b=2\">unsubscribe</a></p>", "<tok7@dm.example.com>",
                Map.of("List-Unsubscribe", "<https://x/u>"));
    }

    @Test
    void singleSendMailCarriesTheMessageAndAValidSignature() {
        api.answer(r -> Reply.json(200, "{\"RequestId\":\"req-1\",\"EnvId\":\"env-42\"}"));

        assertThat(provider.send(mail())).isEqualTo("env-42");

        assertThat(api.requests()).hasSize(1);
        FakeHttpApi.Request request = api.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        Map<String, String> p = AliyunRpcSignature.parameters(request);
        assertThat(p).containsEntry("Action", "SingleSendMail")
                .containsEntry("Version", "2015-11-23")
                .containsEntry("AccountName", "news@dm.example.com")
                .containsEntry("AddressType", "1")
                .containsEntry("ReplyToAddress", "false")
                .containsEntry("ToAddress", "reader@example.test")
                .containsEntry("Subject", "你好 & welcome")
                .containsEntry("HtmlBody", "<p>Hello <a href=\"https://x/u?a=1&b=2\">unsubscribe</a></p>")
                .containsEntry("AccessKeyId", "LTAI-test-id")
                .containsEntry("SignatureMethod", "HMAC-SHA1")
                .containsEntry("SignatureVersion", "1.0")
                .containsEntry("Format", "JSON")
                .containsKeys("Timestamp", "SignatureNonce", "Signature")
                .doesNotContainKey("FromAlias");
        assertThat(p.get("Timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(p.get("Signature")).isEqualTo(AliyunRpcSignature.expected("POST", p, SECRET));
        // the secret signs, it never travels
        assertThat(request.query().values()).noneMatch(v -> v.contains(SECRET));
        assertThat(request.body()).doesNotContain(SECRET);
    }

    @Test
    void configuredAccountNameAndAliasWin() {
        provider.close();
        provider = provider("{\"access_key_id\":\"LTAI-test-id\",\"account_name\":\"noreply@dm.example.com\","
                + "\"from_alias\":\"Example News\",\"endpoint\":\"127.0.0.1:" + api.port() + "\"}");
        api.answer(r -> Reply.json(200, "{\"RequestId\":\"req-1\",\"EnvId\":\"env-1\"}"));
        provider.send(mail());
        Map<String, String> p = api.requests().get(0).query();
        assertThat(p).containsEntry("AccountName", "noreply@dm.example.com").containsEntry("FromAlias", "Example News");
    }

    @Test
    void anInvalidRecipientFailsThatDeliveryOnly() {
        api.answer(r -> Reply.json(400, "{\"RequestId\":\"r\",\"Code\":\"InvalidToAddress\",\"Message\":\"The "
                + "specified toAddress is invalid.\"}"));
        MailSendException e = catchThrowableOfType(MailSendException.class, () -> provider.send(mail()));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.recipientFault()).isTrue();
    }

    @Test
    void authAndContentErrorsFailWithoutRetryAndCountAgainstTheService() {
        for (String code : new String[]{"InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch",
                "InvalidMailAddress.NotFound", "InvalidBody.Malformed"}) {
            int status = code.startsWith("Invalid") && !code.startsWith("InvalidAccess") ? 400 : 404;
            api.answer(r -> Reply.json(code.equals("SignatureDoesNotMatch") ? 400 : status,
                    "{\"RequestId\":\"r\",\"Code\":\"" + code + "\",\"Message\":\"refused\"}"));
            MailSendException e = catchThrowableOfType(MailSendException.class, () -> provider.send(mail()));
            assertThat(e.kind()).as(code).isEqualTo(Kind.REJECTED);
            assertThat(e.recipientFault()).as(code).isFalse();
            assertThat(e.getMessage()).as(code).contains(code).doesNotContain(SECRET);
        }
    }

    @Test
    void throttlingIsRetriedAsNotSent() {
        api.answer(r -> Reply.json(400, "{\"RequestId\":\"r\",\"Code\":\"Throttling.User\",\"Message\":\"slow down\"}"));
        assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                .isEqualTo(Kind.NOT_SENT);
    }

    @Test
    void gatewayErrorsMayFollowAnAcceptedSendSoTheyAreUncertain() {
        // issue 11 item 10: 502/503/504 can come from a hop whose backend already accepted the message;
        // retrying it as NOT_SENT could deliver twice (INV-3)
        for (int status : new int[]{502, 503, 504}) {
            api.answer(r -> Reply.json(status, "{\"RequestId\":\"r\",\"Code\":\"ServiceUnavailable\","
                    + "\"Message\":\"busy\"}"));
            assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                    .as("HTTP %d with an Aliyun error", status).isEqualTo(Kind.UNCERTAIN);
            api.answer(r -> Reply.gatewayPage(status));
            assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                    .as("HTTP %d from a gateway", status).isEqualTo(Kind.UNCERTAIN);
        }
        assertThat(api.requests()).as("the SDK itself never repeats a send").hasSize(6);
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
        try (AliyunDmMailProvider impatient = new AliyunDmMailProvider(AliyunDmSettings.parse(
                "{\"access_key_id\":\"id\",\"endpoint\":\"127.0.0.1:" + api.port() + "\"}"), SECRET,
                Duration.ofMillis(300))) {
            api.answer(r -> new Reply(200, "{\"RequestId\":\"r\",\"EnvId\":\"late\"}", 2_000));
            MailSendException e = catchThrowableOfType(MailSendException.class, () -> impatient.send(mail()));
            assertThat(e.kind()).isEqualTo(Kind.UNCERTAIN);
            assertThat(api.requests()).hasSize(1);
        }
    }

    @Test
    void aServerErrorMayHaveSentSoItIsUncertain() {
        api.answer(r -> Reply.json(500, "{\"RequestId\":\"r\",\"Code\":\"InternalError\",\"Message\":\"oops\"}"));
        assertThat(catchThrowableOfType(MailSendException.class, () -> provider.send(mail())).kind())
                .isEqualTo(Kind.UNCERTAIN);
    }

    @Test
    void noServerAtAllIsNotSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (AliyunDmMailProvider unreachable = provider("{\"access_key_id\":\"id\",\"endpoint\":\"127.0.0.1:"
                + closedPort + "\"}")) {
            MailSendException e = catchThrowableOfType(MailSendException.class, () -> unreachable.send(mail()));
            assertThat(e.kind()).isEqualTo(Kind.NOT_SENT);
        }
    }

    @Test
    void missingCredentialsAreAConfigurationError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new AliyunDmMailProvider(AliyunDmSettings.parse("{}"), SECRET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
    }
}
