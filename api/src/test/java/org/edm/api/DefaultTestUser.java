package org.edm.api;

import org.edm.api.security.AuthTokens;
import org.springframework.boot.test.autoconfigure.web.servlet.MockMvcBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * Every MockMvc request of a test context that imports this acts as V1's built-in admin (user 1) with a real
 * bearer token issued for it when the context starts, unless the request says otherwise
 * ({@link ApiTestSupport#as(String)}, {@link ApiTestSupport#asUser(long)}, {@link ApiTestSupport#withoutToken()}).
 * Tests must therefore never disable user 1, demote it or reset its password.
 */
@TestConfiguration(proxyBeanMethods = false)
public class DefaultTestUser {

    public static final long BUILT_IN_ADMIN_ID = 1L;

    @Bean
    MockMvcBuilderCustomizer actAsBuiltInAdmin(AuthTokens tokens) {
        String token = tokens.issue(BUILT_IN_ADMIN_ID, "test").token();
        return builder -> builder.defaultRequest(get("/").header(HttpHeaders.AUTHORIZATION, "Bearer " + token));
    }
}
