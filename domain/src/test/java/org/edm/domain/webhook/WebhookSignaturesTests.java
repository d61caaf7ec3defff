package org.edm.domain.webhook;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignaturesTests {

    @Test
    void signsTheStandardWebhooksReferenceExample() {
        // the example of the Standard Webhooks specification and its reference libraries
        assertThat(WebhookSignatures.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void newSecretsAreWhsecAnd32RandomBytes() {
        String a = WebhookSignatures.newSecret();
        assertThat(a).startsWith("whsec_").isNotEqualTo(WebhookSignatures.newSecret());
        assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
    }
}
