package org.edm.api.signup;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** A private install (EDM_SIGN_UP_ENABLED=false): nobody can register themselves. */
@TestPropertySource(properties = "edm.sign-up.enabled=false")
class SignUpSwitchedOffApiTests extends ApiTestSupport {

    @Test
    void signUpAndResendAnswer404AndRegisterNobody() throws Exception {
        long users = jdbc.queryForObject("select count(*) from users", Long.class);
        postJson("/v1/auth/sign-up", "{\"email\": \"dev@mycompany.example.com\", \"password\": \"developer-password-1\"}",
                withoutToken()).andExpectAll(problem(404, "sign-up is switched off"));
        postJson("/v1/auth/resend-verification", "{\"email\": \"dev@mycompany.example.com\"}", withoutToken())
                .andExpectAll(problem(404, "sign-up is switched off"));
        assertThat(jdbc.queryForObject("select count(*) from users", Long.class)).isEqualTo(users);
    }
}
