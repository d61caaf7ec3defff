package org.edm.domain.quota;

import com.zaxxer.hikari.HikariDataSource;
import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** INV-1 on a real PostgreSQL: balance = sum(ledger), never negative, also under 50 concurrent changes. */
class QuotaLedgerTests {

    private TestDatabase.Database database;
    private HikariDataSource dataSource;
    private JdbcTemplate jdbc;
    private QuotaLedger ledger;
    private long user;

    @BeforeEach
    void setUp() {
        database = TestDatabase.freshDatabase();
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(50);
        jdbc = new JdbcTemplate(dataSource);
        ledger = new QuotaLedger(new NamedParameterJdbcTemplate(dataSource), 100);
        user = jdbc.queryForObject("INSERT INTO users (username) VALUES ('operator') RETURNING id", Long.class);
    }

    @AfterEach
    void tearDown() {
        dataSource.close();
    }

    @Test
    void everyChangeIsALedgerRowWithItsBalanceAfter() {
        long admin = 1;
        assertThat(ledger.change(user, 500, QuotaLedger.ADMIN_ADJUST, null, admin, "welcome")).isEqualTo(500);
        assertThat(ledger.debit(user, 120, QuotaLedger.TASK_RESERVE, "task:7", null, null)).isEqualTo(380);

        assertThat(jdbc.queryForList("""
                SELECT delta, reason, coalesce(reference, '-') AS reference, balance_after,
                       coalesce(actor_id, 0) AS actor_id, coalesce(note, '-') AS note
                  FROM user_quota_ledger WHERE user_id = ? ORDER BY id
                """, user)).containsExactly(
                Map.of("delta", 500L, "reason", "ADMIN_ADJUST", "reference", "-",
                        "balance_after", 500L, "actor_id", admin, "note", "welcome"),
                Map.of("delta", -120L, "reason", "TASK_RESERVE", "reference", "task:7",
                        "balance_after", 380L, "actor_id", 0L, "note", "-"));
        assertBalanceIsTheSumOfTheLedger();
    }

    @Test
    void anOverdrawFailsCleanlyNamingWhatIsMissing() {
        ledger.credit(user, 1000, QuotaLedger.ADMIN_ADJUST, null, 1L, "grant");

        assertThatThrownBy(() -> ledger.debit(user, 1200, QuotaLedger.TASK_RESERVE, "task:1", null, null))
                .isInstanceOf(QuotaShortfallException.class)
                .hasMessageContaining("needs 1200, balance 1000, missing 200");

        assertThat(ledger.balance(user)).isEqualTo(1000);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_quota_ledger WHERE user_id = ?", Long.class, user))
                .isEqualTo(1);
        assertBalanceIsTheSumOfTheLedger();
    }

    @Test
    void fiftyConcurrentDebitsSpendEachUnitOnce() throws Exception {
        ledger.credit(user, 100, QuotaLedger.ADMIN_ADJUST, null, 1L, "grant");

        List<Boolean> outcomes = concurrently(50, i -> ledger.debit(user, 3, QuotaLedger.TASK_RESERVE, "task:" + i,
                null, null));

        assertThat(outcomes.stream().filter(ok -> ok).count()).as("100 / 3 debits fit").isEqualTo(33);
        assertThat(ledger.balance(user)).isEqualTo(1);
        assertBalanceIsTheSumOfTheLedger();
    }

    @Test
    void fiftyConcurrentReservesRefundsAndAdjustmentsKeepTheLedgerExact() throws Exception {
        ledger.credit(user, 60, QuotaLedger.ADMIN_ADJUST, null, 1L, "grant");

        List<Boolean> outcomes = concurrently(50, i -> switch (i % 5) {
            case 0, 1 -> ledger.debit(user, 17, QuotaLedger.TASK_RESERVE, "task:" + i, null, null);
            case 2 -> ledger.credit(user, 9, QuotaLedger.PAUSE_REFUND, "task:" + i, null, null);
            case 3 -> ledger.change(user, -11, QuotaLedger.ADMIN_ADJUST, null, 1L, "take back");
            default -> ledger.change(user, 13, QuotaLedger.ADMIN_ADJUST, null, 1L, "top up");
        });

        assertThat(outcomes).contains(false).as("some debits found the balance too low").contains(true);
        assertThat(ledger.balance(user)).isNotNegative();
        assertBalanceIsTheSumOfTheLedger();
    }

    @Test
    void aDebitCrossingTheLowThresholdAlertsOncePerCrossing() {
        ledger.credit(user, 150, QuotaLedger.ADMIN_ADJUST, null, 1L, "grant");
        ledger.debit(user, 30, QuotaLedger.TASK_RESERVE, "task:1", null, null); // 120
        assertThat(lowAlerts()).isZero();
        ledger.debit(user, 30, QuotaLedger.TASK_RESERVE, "task:2", null, null); // 90: crossed
        ledger.debit(user, 10, QuotaLedger.TASK_RESERVE, "task:3", null, null); // 80: still below, no new alert
        assertThat(lowAlerts()).isEqualTo(1);
        ledger.credit(user, 50, QuotaLedger.ADMIN_ADJUST, null, 1L, "top up"); // 130
        ledger.debit(user, 40, QuotaLedger.TASK_RESERVE, "task:4", null, null); // 90: crossed again
        assertThat(lowAlerts()).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT message FROM alerts WHERE kind = 'QUOTA_LOW' ORDER BY id LIMIT 1",
                String.class)).contains("user " + user).contains("90").contains("threshold 100")
                .as("no username: it may be an e-mail address").doesNotContain("operator");
    }

    private long lowAlerts() {
        return jdbc.queryForObject("SELECT count(*) FROM alerts WHERE kind = 'QUOTA_LOW' AND subject = ?", Long.class,
                "user:" + user);
    }

    private void assertBalanceIsTheSumOfTheLedger() {
        Map<String, Object> row = jdbc.queryForMap("""
                SELECT u.quota_balance, (SELECT coalesce(sum(delta), 0) FROM user_quota_ledger WHERE user_id = u.id) AS sum
                  FROM users u WHERE u.id = ?
                """, user);
        assertThat(((Number) row.get("quota_balance")).longValue()).isEqualTo(((Number) row.get("sum")).longValue());
        // and every row's balance_after follows from the one before: the rows were written in lock order
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT delta, balance_after FROM user_quota_ledger WHERE user_id = ? ORDER BY id", user);
        long running = 0;
        for (Map<String, Object> r : rows) {
            running += ((Number) r.get("delta")).longValue();
            assertThat(((Number) r.get("balance_after")).longValue()).isEqualTo(running).isNotNegative();
        }
    }

    private interface Change {
        long apply(int i);
    }

    /** Runs n changes at once from n threads; true where the change went through, false where the quota was short. */
    private static List<Boolean> concurrently(int n, Change change) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        change.apply(index);
                        return true;
                    } catch (QuotaShortfallException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            List<Boolean> outcomes = new ArrayList<>();
            for (Future<Boolean> f : futures) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
