package org.edm.api.security;

import com.jayway.jsonpath.JsonPath;
import org.edm.domain.testing.TestDatabase;
import org.edm.domain.user.UserRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The first admin comes from edm.bootstrap.* (EDM_ADMIN_*) on start-up: here V1's passwordless user 1 'admin'
 * gets the configured password and e-mail, so everything it owns stays owned. Its own database and context.
 */
@SpringBootTest(properties = {
        "spring.temporal.test-server.enabled=true",
        "edm.credentials-key=" + TestDatabase.TEST_CREDENTIALS_KEY,
        "edm.bootstrap.admin-username=admin",
        "edm.bootstrap.admin-password=" + FirstAdminTests.PASSWORD,
        "edm.bootstrap.admin-email=root@example.com"})
@AutoConfigureMockMvc
class FirstAdminTests {

    static final String PASSWORD = "first-admin-password";

    private static final TestDatabase.Database DB = TestDatabase.freshDatabase();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    UserRepository users;

    @Autowired
    Passwords passwords;

    @Autowired
    TransactionTemplate transaction;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    private ResultActions signIn(String username, String password) throws Exception {
        return mvc.perform(post("/v1/auth/sign-in").contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}"));
    }

    private void bootstrap(FirstAdminSettings settings) {
        transaction.executeWithoutResult(s -> new FirstAdmin(users, passwords, settings, transaction)
                .ensureAnAdminCanSignIn());
    }

    @Test
    void theBuiltInAdminGetsThePasswordFromTheEnvironmentAndThenSettingsAreIgnored() throws Exception {
        String token = JsonPath.read(signIn("admin", PASSWORD).andExpect(status().isOk())
                .andExpect(jsonPath("$.user.id").value(1))
                .andExpect(jsonPath("$.user.role").value("ADMIN"))
                .andExpect(jsonPath("$.user.email").value("root@example.com"))
                .andReturn().getResponse().getContentAsString(), "$.token");
        mvc.perform(get("/v1/users").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isOk());

        // an admin can sign in now: other settings on a later start change nothing
        bootstrap(new FirstAdminSettings("admin", "another-password-1", null));
        signIn("admin", "another-password-1").andExpect(status().isUnauthorized());
        bootstrap(new FirstAdminSettings("deputy", "deputy-password-1", null));
        assertThat(users.findByUsernameIgnoringCase("deputy")).isEmpty();
    }

    @Test
    void aNewUsernameIsCreatedAsAdminAndNothingSetChangesNothing() throws Exception {
        String before = jdbc.queryForObject("select password_hash from users where id = 1", String.class);
        try {
            jdbc.update("update users set password_hash = null where id = 1");
            bootstrap(new FirstAdminSettings(null, null, null));
            assertThat(jdbc.queryForObject("select count(*) from users where role = 'ADMIN' "
                    + "and password_hash is not null", Long.class)).isZero();

            bootstrap(new FirstAdminSettings("chief", "chief-password-1", "chief@example.com"));
            signIn("chief", "chief-password-1").andExpect(status().isOk())
                    .andExpect(jsonPath("$.user.role").value("ADMIN"))
                    .andExpect(jsonPath("$.user.id").value(org.hamcrest.Matchers.not(1)));
        } finally {
            jdbc.update("update users set password_hash = ? where id = 1", before);
        }
    }
}
