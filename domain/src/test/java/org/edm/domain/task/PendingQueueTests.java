package org.edm.domain.task;

import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The send path's versions of a delivery after its insert, the claim (V156) and the outcomes (V150), are HOT updates:
 * no index of deliveries may read a column they write, and the pending queue is "no claim token" from the task's
 * claim position on, kept equal to PENDING by a constraint.
 */
class PendingQueueTests {

    /** What recording an outcome (attempted, SENT, FAILED, UNKNOWN) writes after the claim. */
    private static final List<String> OUTCOME_COLUMNS = List.of("status", "sent_at", "message_id",
            "provider_message_id", "error", "attempted_at", "updated_at");

    /** What the claim writes (DeliveryClaims.CLAIM), and what a release of a claim writes back. */
    private static final List<String> CLAIM_COLUMNS = List.of("status", "skip_reason", "sender_service_id",
            "claim_token", "updated_at");

    private JdbcTemplate jdbc;
    private TransactionTemplate tx;

    @BeforeEach
    void setUp() {
        TestDatabase.Database db = TestDatabase.freshDatabase();
        jdbc = new JdbcTemplate(db.dataSource());
        tx = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
    }

    @Test
    void noIndexOfDeliveriesReadsAColumnThatTheClaimOrTheOutcomeWrites() {
        List<Map<String, Object>> indexes = jdbc.queryForList("""
                SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE i.indrelid = 'deliveries'::regclass
                """);
        assertThat(indexes).hasSizeGreaterThanOrEqualTo(5);
        for (Map<String, Object> index : indexes) {
            String definition = (String) index.get("definition");
            // keys, expressions and predicate: everything after the index and table names
            String body = definition.substring(definition.indexOf(" USING "));
            for (String column : OUTCOME_COLUMNS) {
                assertThat(Pattern.compile("\\b" + column + "\\b").matcher(body).find())
                        .as("%s reads %s, so recording an outcome could not be a HOT update: %s",
                                index.get("name"), column, definition)
                        .isFalse();
            }
            for (String column : CLAIM_COLUMNS) {
                assertThat(Pattern.compile("\\b" + column + "\\b").matcher(body).find())
                        .as("%s reads %s, so the claim could not be a HOT update: %s",
                                index.get("name"), column, definition)
                        .isFalse();
            }
        }
    }

    @Test
    void recordingTheOutcomesOfAClaimedDeliveryWritesNoIndexEntry() {
        long task = task();
        Map<String, Object> counts = tx.execute(status -> {
            long delivery = jdbc.queryForObject("INSERT INTO deliveries (task_id, token) VALUES (?, ?) RETURNING id",
                    Long.class, task, UUID.randomUUID().toString());
            Map<String, Object> afterInsert = xactCounts();
            jdbc.update("""
                    UPDATE deliveries SET status = 'SENDING', skip_reason = NULL, sender_service_id = NULL,
                                          claim_token = 'w/r/1', updated_at = now()
                     WHERE id = ?""", delivery);
            Map<String, Object> afterClaim = xactCounts();
            assertThat(count(afterClaim, "hot") - count(afterInsert, "hot")).as("the claim is a HOT update")
                    .isEqualTo(1);
            jdbc.update("UPDATE deliveries SET attempted_at = now(), updated_at = now() WHERE id = ?", delivery);
            jdbc.update("""
                    UPDATE deliveries SET status = 'SENT', sent_at = now(), message_id = '<m@x>',
                                          provider_message_id = 'p-1', error = NULL, updated_at = now()
                     WHERE id = ?""", delivery);
            jdbc.update("UPDATE deliveries SET status = 'UNKNOWN', error = 'e', updated_at = now() WHERE id = ?",
                    delivery);
            jdbc.update("UPDATE deliveries SET status = 'FAILED', error = 'e', updated_at = now() WHERE id = ?",
                    delivery);
            Map<String, Object> after = xactCounts();
            return Map.of("updates", count(after, "upd") - count(afterClaim, "upd"),
                    "hot", count(after, "hot") - count(afterClaim, "hot"));
        });
        assertThat(counts).containsEntry("updates", 4L).containsEntry("hot", 4L);
    }

    @Test
    void pendingIsExactlyNoClaimToken() {
        long task = task();
        assertThatThrownBy(() -> jdbc.update("INSERT INTO deliveries (task_id, token, status) VALUES (?, ?, 'SKIPPED')",
                task, UUID.randomUUID().toString()))
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("deliveries_pending_iff_unclaimed");
        assertThatThrownBy(() -> jdbc.update(
                "INSERT INTO deliveries (task_id, token, claim_token) VALUES (?, ?, 'w/r/1')",
                task, UUID.randomUUID().toString()))
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("deliveries_pending_iff_unclaimed");
        jdbc.update("INSERT INTO deliveries (task_id, token, status, claim_token) VALUES (?, ?, 'SKIPPED', ?)",
                task, UUID.randomUUID().toString(), PendingQueue.NO_CLAIM);
        jdbc.update("INSERT INTO deliveries (task_id, token) VALUES (?, ?)", task, UUID.randomUUID().toString());
        assertThat(jdbc.queryForList("SELECT status FROM deliveries WHERE task_id = ? AND claim_token IS NULL",
                String.class, task)).containsExactly("PENDING");
    }

    private static long count(Map<String, Object> counts, String name) {
        return ((Number) counts.get(name)).longValue();
    }

    private Map<String, Object> xactCounts() {
        return jdbc.queryForMap("""
                SELECT n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_xact_user_tables
                 WHERE relid = 'deliveries'::regclass""");
    }

    private long task() {
        long owner = jdbc.queryForObject("INSERT INTO users (username) VALUES (?) RETURNING id", Long.class,
                "op-" + UUID.randomUUID());
        long campaign = jdbc.queryForObject("INSERT INTO campaigns (owner_id, name, start_time) VALUES (?, 'c', now()) "
                + "RETURNING id", Long.class, owner);
        long set = jdbc.queryForObject("INSERT INTO template_sets (owner_id, name) VALUES (?, 's') RETURNING id",
                Long.class, owner);
        return jdbc.queryForObject("""
                INSERT INTO tasks (campaign_id, owner_id, seq, name, plan_time, status, template_set_id, sender_name)
                VALUES (?, ?, 0, 't', now(), 'SENDING', ?, 'news') RETURNING id""", Long.class, campaign, owner, set);
    }
}
