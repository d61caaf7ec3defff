package org.edm.api.quota;

import org.edm.api.ApiTestSupport;
import org.edm.api.security.CurrentUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import static org.mockito.Mockito.doReturn;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** An operator sees their own quota and ledger, and none of the admin's quota endpoints (INV-5). */
class QuotaForOperatorsApiTests extends ApiTestSupport {

    @MockitoSpyBean
    CurrentUser currentUser;

    private long operator;

    @BeforeEach
    void signInAsAnOperator() {
        operator = jdbc.queryForObject("insert into users (username) values (?) returning id", Long.class,
                "operator-" + System.nanoTime());
        jdbc.update("""
                with changed as (update users set quota_balance = 70 where id = ? returning id, quota_balance)
                insert into user_quota_ledger (user_id, delta, reason, balance_after, actor_id, note)
                select id, 70, 'ADMIN_ADJUST', quota_balance, 1, 'welcome' from changed
                """, operator);
        doReturn(operator).when(currentUser).id();
        doReturn(false).when(currentUser).isAdmin();
    }

    @Test
    void anOperatorCannotAdjustOrReadAnotherUsersQuota() throws Exception {
        postJson("/v1/users/" + operator + "/quota-adjustments", "{\"delta\": 1000, \"note\": \"for me\"}")
                .andExpectAll(problem(403, "admin"));
        getJson("/v1/users/1/quota").andExpect(status().isForbidden());
        getJson("/v1/users/1/quota/ledger").andExpect(status().isForbidden());
    }

    @Test
    void anOperatorSeesTheirOwnQuotaAndLedger() throws Exception {
        getJson("/v1/me/quota").andExpect(status().isOk())
                .andExpect(jsonPath("$.user_id").value(operator))
                .andExpect(jsonPath("$.balance").value(70))
                .andExpect(jsonPath("$.low").value(true));
        getJson("/v1/me/quota/ledger").andExpect(status().isOk())
                .andExpect(jsonPath("$.total_items").value(1))
                .andExpect(jsonPath("$.items[0].note").value("welcome"));
    }
}
