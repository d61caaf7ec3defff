package org.edm.api.signup;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.edm.domain.user.EmailVerification;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.signup.VerificationMailResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Self sign-up (seed 004 flow 1, steps 1-3) over the real api and database: register, be refused at sign-in,
 * follow the link, sign in. Each test comes from client addresses of its own (TEST-NET-3) and uses fresh e-mail
 * addresses, so the throttles of one test never touch another.
 */
class SignUpApiTests extends ApiTestSupport {

    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    private static final String PASSWORD = "developer-password-1";

    @Autowired
    private EmailVerification verification;

    private static RequestPostProcessor freshAddress() {
        int n = ADDRESSES.incrementAndGet();
        return fromAddress("203.0." + (n / 250) + "." + (n % 250 + 1));
    }

    private static String freshEmail() {
        return "dev-" + System.nanoTime() + "@mycompany.example.com";
    }

    private ResultActions signUp(String email, String password, RequestPostProcessor address) throws Exception {
        return mvc.perform(post("/v1/auth/sign-up").with(withoutToken()).with(address)
                .contentType(MediaType.APPLICATION_JSON)
                .content(json(Map.of("email", email, "password", password))));
    }

    private ResultActions signInAttempt(String username, String password) throws Exception {
        return mvc.perform(post("/v1/auth/sign-in").with(withoutToken()).with(freshAddress())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json(Map.of("username", username, "password", password))));
    }

    private ResultActions follow(String token) throws Exception {
        return mvc.perform(get("/v1/auth/verify").param("token", token).with(withoutToken())
                .accept(MediaType.APPLICATION_JSON));
    }

    private Long userIdOf(String email) {
        return jdbc.queryForList("select id from users where lower(email) = lower(?)", Long.class, email)
                .stream().findFirst().orElse(null);
    }

    private static String tokenOf(String link) {
        return link.substring(link.indexOf("token=") + "token=".length());
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    @Test
    void aDeveloperSignsUpIsRefusedUntilVerifiedThenFollowsTheLinkAndSignsIn() throws Exception {
        String email = freshEmail();
        String answer = body(signUp(email.toUpperCase(), PASSWORD, freshAddress())
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("ACCEPTED"))
                .andExpect(jsonPath("$.detail").value(containsString("verification e-mail"))));
        assertThat(answer).doesNotContain(PASSWORD).doesNotContainIgnoringCase(email);

        // step 2: an inactive OPERATOR named by the address, with 100 free units through the ledger
        long id = userIdOf(email);
        Map<String, Object> user = jdbc.queryForMap("select username, role, status, quota_balance, signed_up_at, "
                + "email_verified_at, password_hash from users where id = ?", id);
        assertThat(user).containsEntry("username", email).containsEntry("role", "OPERATOR")
                .containsEntry("status", "PENDING_VERIFICATION").containsEntry("quota_balance", 100L);
        assertThat(user.get("signed_up_at")).isNotNull();
        assertThat(user.get("email_verified_at")).isNull();
        assertThat((String) user.get("password_hash")).startsWith("{argon2}").doesNotContain(PASSWORD);
        assertThat(jdbc.queryForMap("select delta, reason, balance_after from user_quota_ledger where user_id = ?", id))
                .containsEntry("delta", 100L).containsEntry("reason", "SIGN_UP_GRANT")
                .containsEntry("balance_after", 100L);
        // the mail goes out from the worker: the api started sign-up-{id}, for this user only
        VerificationMailResult mailed = workflowClient.newUntypedWorkflowStub(WorkflowIds.signUp(id))
                .getResult(10, TimeUnit.SECONDS, VerificationMailResult.class);
        assertThat(mailed.userId()).isEqualTo(id);

        // admins see who is waiting for verification
        getJson("/v1/users/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("PENDING_VERIFICATION"))
                .andExpect(jsonPath("$.signed_up_at").isString())
                .andExpect(jsonPath("$.email_verified_at").doesNotExist());

        // not verified: the right password is refused with the reason, a wrong one learns nothing
        signInAttempt(email, PASSWORD).andExpectAll(problem(401, "verify your e-mail address first"));
        signInAttempt(email, "wrong-password-1").andExpectAll(problem(401, "wrong username or password"));

        // step 3: the link activates the account
        String token = tokenOf(verification.link(id, Instant.now()));
        follow(token).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.already_verified").value(false))
                .andExpect(jsonPath("$.user.id").value(id));
        assertThat(jdbc.queryForMap("select status, email_verified_at from users where id = ?", id))
                .containsEntry("status", "ACTIVE").extractingByKey("email_verified_at").isNotNull();
        getJson("/v1/users/" + id).andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.email_verified_at").isString());
        String signedIn = signIn(email, PASSWORD);
        getJson("/v1/me", as(signedIn)).andExpect(status().isOk()).andExpect(jsonPath("$.quota_balance").value(100));

        // a second click is harmless
        follow(token).andExpect(status().isOk()).andExpect(jsonPath("$.already_verified").value(true));
        assertThat(count("select count(*) from user_quota_ledger where user_id = ?", id)).isEqualTo(1);

        // both state changes are in the audit log; the password never is
        Map<String, Object> signUpRow = jdbc.queryForMap("select actor_id, request::text as request from audit_log "
                + "where action = 'SIGN_UP' and request->>'email' = ? ", email.toUpperCase());
        assertThat((String) signUpRow.get("request")).doesNotContain(PASSWORD).contains("***");
        assertThat(count("select count(*) from audit_log where action = 'VERIFY' and entity = 'auth' "
                + "and actor_id = ?", id)).isEqualTo(2);
    }

    @Test
    void signingUpAgainForAPendingAddressReplacesThePasswordAndKillsEarlierLinks() throws Exception {
        // someone registers a stranger's address first ...
        String email = freshEmail();
        signUp(email, "squatters-password", freshAddress()).andExpect(status().isAccepted());
        long id = userIdOf(email);
        String squattersLink = tokenOf(verification.link(id, Instant.now()));
        long ledger = count("select count(*) from user_quota_ledger where user_id = ?", id);

        // ... the owner signs up too: same answer, their password now counts and a new mail goes out
        String first = body(signUp(email, PASSWORD, freshAddress()).andExpect(status().isAccepted()));
        assertThat(first).isEqualTo(body(signUp(freshEmail(), PASSWORD, freshAddress())));
        assertThat(userIdOf(email)).isEqualTo(id);
        assertThat(count("select count(*) from user_quota_ledger where user_id = ?", id)).isEqualTo(ledger);

        // the link mailed for the squatter's password activates nothing
        follow(squattersLink).andExpectAll(problem(400, "not valid"));
        assertThat(jdbc.queryForObject("select status from users where id = ?", String.class, id))
                .isEqualTo("PENDING_VERIFICATION");
        follow(tokenOf(verification.link(id, Instant.now()))).andExpect(status().isOk());
        signInAttempt(email, "squatters-password").andExpectAll(problem(401, "wrong username or password"));
        signIn(email, PASSWORD);
    }

    @Test
    void anAddressThatIsRegisteredAlreadyGetsTheSameAnswerAndNothingChanges() throws Exception {
        String name = "taken-" + System.nanoTime();
        long existing = createOperator(name);
        String takenEmail = name + "@users.example.com";
        String fresh = body(signUp(freshEmail(), PASSWORD, freshAddress()).andExpect(status().isAccepted()));
        long users = count("select count(*) from users");
        long ledger = count("select count(*) from user_quota_ledger");
        getJson("/v1/users/" + existing).andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.signed_up_at").doesNotExist());
        String hashBefore = jdbc.queryForObject("select password_hash from users where id = ?", String.class, existing);

        String taken = body(signUp(takenEmail.toUpperCase(), PASSWORD, freshAddress()).andExpect(status().isAccepted()));
        // and a username that happens to be an address
        String usernameTaken = body(signUp(name + "@users.example.com", PASSWORD, freshAddress())
                .andExpect(status().isAccepted()));

        assertThat(taken).isEqualTo(fresh).isEqualTo(usernameTaken);
        assertThat(count("select count(*) from users")).isEqualTo(users);
        assertThat(count("select count(*) from user_quota_ledger")).isEqualTo(ledger);
        assertThat(jdbc.queryForObject("select password_hash from users where id = ?", String.class, existing))
                .isEqualTo(hashBefore);
        signIn(name, TEST_PASSWORD); // the owner's account is untouched
    }

    @Test
    void badInputIsA400NamingTheFieldAndRegistersNothing() throws Exception {
        long users = count("select count(*) from users");
        signUp("not-an-address", PASSWORD, freshAddress()).andExpectAll(invalidField("email"));
        signUp("dev@localhost", PASSWORD, freshAddress()).andExpectAll(invalidField("email"));
        signUp(freshEmail(), "short", freshAddress()).andExpectAll(invalidField("password"));
        signUp(freshEmail(), "          ", freshAddress()).andExpectAll(invalidField("password"));
        signUp("x".repeat(90) + "@mycompany.example.com", PASSWORD, freshAddress()).andExpectAll(invalidField("email"));
        mvc.perform(post("/v1/auth/sign-up").with(withoutToken()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"email\": \"a@b.example.com\"}")).andExpectAll(invalidField("password"));
        mvc.perform(post("/v1/auth/sign-up").with(withoutToken()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"email\": \"a@b.example.com\", \"password\": \"" + PASSWORD + "\", \"role\": \"ADMIN\"}"))
                .andExpectAll(invalidField("role"));
        assertThat(count("select count(*) from users")).isEqualTo(users);
    }

    @Test
    void repeatedSignUpsForOneAddressAreThrottledWithRetryAfter() throws Exception {
        String email = freshEmail();
        for (int i = 0; i < 3; i++) {
            signUp(email, PASSWORD, freshAddress()).andExpect(status().isAccepted());
        }
        String refused = body(signUp(email, PASSWORD, freshAddress())
                .andExpectAll(problem(429, "too many sign-up requests for this e-mail address"))
                .andExpect(jsonPath("$.title").value("Too many sign-up requests"))
                .andExpect(header().exists(HttpHeaders.RETRY_AFTER)));
        long retryAfter = ((Number) JsonPath.read(refused, "$.retry_after_seconds")).longValue();
        assertThat(retryAfter).isBetween(3000L, 3600L);
        // an unregistered address is throttled exactly the same way, so the throttle reveals nothing
        String other = freshEmail();
        jdbc.update("insert into sign_up_attempts (kind, email, client_ip) select 'SIGN_UP', ?, '192.0.2.1' "
                + "from generate_series(1, 3)", other);
        signUp(other, PASSWORD, freshAddress()).andExpectAll(problem(429, "for this e-mail address"));
        assertThat(userIdOf(other)).isNull();
    }

    @Test
    void manySignUpsFromOneClientAddressAreThrottled() throws Exception {
        RequestPostProcessor address = freshAddress();
        for (int i = 0; i < 10; i++) {
            signUp(freshEmail(), PASSWORD, address).andExpect(status().isAccepted());
        }
        String email = freshEmail();
        signUp(email, PASSWORD, address).andExpectAll(problem(429, "from your address"))
                .andExpect(header().exists(HttpHeaders.RETRY_AFTER));
        assertThat(userIdOf(email)).isNull();
        signUp(email, PASSWORD, freshAddress()).andExpect(status().isAccepted());
    }

    @Test
    void aForgedExpiredOrMissingLinkIsA400AndActivatesNothing() throws Exception {
        String email = freshEmail();
        signUp(email, PASSWORD, freshAddress()).andExpect(status().isAccepted());
        long id = userIdOf(email);
        String token = tokenOf(verification.link(id, Instant.now()));
        String[] parts = token.split("\\.");

        follow(id + 1 + "." + parts[1] + "." + parts[2]).andExpectAll(problem(400, "not valid"))
                .andExpect(jsonPath("$.errors[0].field").value("token"));
        follow(parts[0] + "." + (Long.parseLong(parts[1]) + 86400) + "." + parts[2])
                .andExpectAll(problem(400, "not valid"));
        follow("nonsense").andExpectAll(problem(400, "not valid"));
        String expired = tokenOf(verification.link(id, Instant.now().minus(Duration.ofHours(25))));
        follow(expired).andExpectAll(problem(400, "expired"));
        mvc.perform(get("/v1/auth/verify").with(withoutToken())).andExpect(status().isBadRequest());

        assertThat(jdbc.queryForObject("select status from users where id = ?", String.class, id))
                .isEqualTo("PENDING_VERIFICATION");
        assertThat(count("select count(*) from audit_log where action = 'VERIFY' and actor_id = ?", id)).isZero();
    }

    @Test
    void resendMailsAPendingAccountAgainAndAnswersTheSameForAnyAddress() throws Exception {
        String email = freshEmail();
        signUp(email, PASSWORD, freshAddress()).andExpect(status().isAccepted());
        long id = userIdOf(email);
        workflowClient.newUntypedWorkflowStub(WorkflowIds.signUp(id))
                .getResult(10, TimeUnit.SECONDS, VerificationMailResult.class);
        String firstRun = workflowClient.newUntypedWorkflowStub(WorkflowIds.signUp(id)).getExecution().getRunId();

        String pending = body(mvc.perform(post("/v1/auth/resend-verification").with(withoutToken())
                .with(freshAddress()).contentType(MediaType.APPLICATION_JSON)
                .content(json(Map.of("email", email)))).andExpect(status().isAccepted()));
        String unknown = body(mvc.perform(post("/v1/auth/resend-verification").with(withoutToken())
                .with(freshAddress()).contentType(MediaType.APPLICATION_JSON)
                .content(json(Map.of("email", freshEmail())))).andExpect(status().isAccepted()));
        assertThat(pending).isEqualTo(unknown);
        String secondRun = workflowClient.newUntypedWorkflowStub(WorkflowIds.signUp(id)).describe()
                .getExecution().getRunId();
        assertThat(secondRun).as("a new run of sign-up-" + id).isNotEqualTo(firstRun);
    }
}
