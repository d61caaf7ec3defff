package org.edm.activities.task;

import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.Fixtures;
import org.edm.workflows.task.TaskAudience;

/**
 * Benchmark program (not a test): materialises the deliveries of one task whose audience is N contacts (default
 * 1,000,000; a tenth of them tagged "vip" and suppressed 1 in 1,000, a label row for every tenth contact) on a fresh
 * PostgreSQL, and prints how long the single INSERT .. SELECT took. The workflow history is unaffected by N: the
 * activity returns ids and counts only.
 *
 * <p>Run: {@code mvn -o -q -pl activities dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt} then
 * {@code java -cp activities/target/test-classes:activities/target/classes:$(cat /tmp/cp.txt)
 * org.edm.activities.task.AudienceBenchmark 1000000} ({@code -Dexplain=true} adds EXPLAIN ANALYZE of the INSERT).
 *
 * <p>Measured 2026-11-22 on the 2-core dev machine, quiet, embedded PostgreSQL 16 with default memory settings:
 * 950,000 deliveries (1,000,000 contacts, 50,000 excluded by the opened label) in 83.1 s with the per-row foreign
 * keys of deliveries, 41.7 s after V60 dropped them (EXPLAIN ANALYZE at 200,000 rows had shown the task_id and
 * sender_service_id triggers alone at 2.9 s of 13.4 s). What remains is heap and six index writes per row.
 */
public final class AudienceBenchmark {

    public static void main(String[] args) {
        int contacts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (ActivitiesHarness harness = new ActivitiesHarness()) {
            Fixtures f = harness.fixtures;
            long owner = f.user("bench");
            long set = f.templateSet(owner, f.template(owner, "A", "<p>A {{unsubscribe_url}}</p>"),
                    f.template(owner, "B", "<p>B {{unsubscribe_url}}</p>"));
            long campaign = f.campaign(owner, "bench");
            long started = System.nanoTime();
            f.jdbc().update("""
                    INSERT INTO contacts (owner_id, email, nickname, tags)
                    SELECT ?, 'reader-' || n || '@bench.example', 'Nick ' || n,
                           CASE WHEN n % 10 = 0 THEN ARRAY['vip', 'all'] ELSE ARRAY['all'] END
                      FROM generate_series(1, ?) n
                    """, owner, contacts);
            f.jdbc().update("""
                    INSERT INTO suppressions (owner_id, email_hash, reason)
                    SELECT ?, sha256(convert_to(lower(email), 'UTF8')), 'UNSUBSCRIBED'
                      FROM contacts WHERE owner_id = ? AND id % 1000 = 0
                    """, owner, owner);
            f.jdbc().update("""
                    INSERT INTO campaign_contact_labels (campaign_id, contact_id, sent_at, opened_at)
                    SELECT ?, id, now(), CASE WHEN id % 20 = 0 THEN now() END
                      FROM contacts WHERE owner_id = ? AND id % 10 = 0
                    """, campaign, owner);
            f.jdbc().execute("VACUUM ANALYZE");
            System.out.printf("setup: %,d contacts in %.1f s%n", contacts, (System.nanoTime() - started) / 1e9);

            TaskActivitiesImpl activities = harness.taskActivities(null);
            long all = f.task(campaign, owner, "{\"include_tags\": [\"all\"], \"exclude_labels\": "
                    + "[\"opened_in_campaign\"]}", set);
            started = System.nanoTime();
            TaskAudience audience = activities.materializeDeliveries(all);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("materialised %,d deliveries (%,d pending) in %.1f s = %,.0f rows/s%n",
                    audience.audienceSize(), audience.pending(), seconds, audience.audienceSize() / seconds);
            if (Boolean.getBoolean("explain")) {
                // where the time goes: the same INSERT for a second task, explained and rolled back
                long again = f.task(campaign, owner, "{\"include_tags\": [\"all\"]}", set);
                harness.tx.executeWithoutResult(status -> {
                    harness.jdbc.getJdbcTemplate().queryForList("""
                            EXPLAIN (ANALYZE, BUFFERS)
                            WITH template_choice AS (
                                SELECT array_agg(template_id ORDER BY position, template_id) AS ids
                                  FROM template_set_items WHERE template_set_id = %d)
                            INSERT INTO deliveries (task_id, contact_id, template_id, status, skip_reason, token)
                            SELECT %d, c.id, tc.ids[1 + floor(random() * cardinality(tc.ids))::int],
                                   CASE WHEN s.id IS NULL THEN 'PENDING' ELSE 'SKIPPED' END,
                                   CASE WHEN s.id IS NULL THEN NULL ELSE 'SUPPRESSED' END,
                                   replace(gen_random_uuid()::text, '-', '')
                              FROM contacts c CROSS JOIN template_choice tc
                              LEFT JOIN suppressions s ON s.owner_id = c.owner_id
                                    AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8'))
                             WHERE c.owner_id = %d AND c.tags && ARRAY['all']
                            ON CONFLICT (task_id, contact_id) DO NOTHING
                            """.formatted(set, again, owner), String.class).forEach(System.out::println);
                    status.setRollbackOnly();
                });
            }
        }
    }
}
