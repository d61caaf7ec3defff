package org.edm.activities.task;

import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.Fixtures;
import org.edm.domain.task.RecipientRule;
import org.edm.workflows.task.TaskAudience;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

import javax.sql.DataSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Benchmark program (not a test): materialises the deliveries of one task whose audience is N contacts (default
 * 1,000,000; a tenth of them tagged "vip" and suppressed 1 in 1,000, every tenth contact sent to by an earlier task
 * of the campaign and every twentieth opened) on a fresh PostgreSQL, and prints how long it took; then a second task
 * whose rule reads "sent to in this campaign" (unopened_in_campaign, derived from the earlier task's SENT deliveries). In the same run, on the same database, it first measures the baseline: the
 * single {@code INSERT .. SELECT} with a {@code gen_random_uuid()} token that materialised audiences before (for a
 * second task of the same campaign, rolled back), so the two figures share the machine's load. The workflow history
 * is unaffected by N: the activity returns ids and counts only.
 *
 * <p>Each figure comes with PostgreSQL's CPU seconds meanwhile (all its processes, from {@code /proc}): CPU close to
 * wall time × connections means the statements are busy, less means they wait.
 *
 * <p>Run: {@code bin/bench audience [contacts]} ({@code -Dexplain=true} in {@code JAVA_TOOL_OPTIONS} adds EXPLAIN
 * ANALYZE of the baseline and of the sent condition's select over one range and over all contacts;
 * {@code -Dwaits=true} samples the active statements' wait events every 20 ms while the activity runs and prints
 * them by statement, which is how a check planned on the wrong index showed up; {@code -Dedm.audience.parallelism=N}
 * sets the connections, default 2).
 *
 * <p>Measured 2026-11-22 on the 2-core dev machine, quiet, embedded PostgreSQL 16 with default memory settings:
 * 950,000 deliveries (1,000,000 contacts, 50,000 excluded by the opened label) in 83.1 s with the per-row foreign
 * keys of deliveries, 41.7 s after V60 dropped them. Figures since: README, "Benchmark".
 */
public final class AudienceBenchmark {

    /**
     * EXPLAIN (ANALYZE, BUFFERS) of the rule's select as the activity runs it (joins, conditions, plan setting), over
     * one range and over all ids, each in a transaction rolled back.
     */
    private static void explainSentCondition(ActivitiesHarness harness, long owner, long campaign, RecipientRule rule) {
        Map<String, Object> bounds = harness.jdbc.getJdbcTemplate().queryForMap(
                "SELECT min(id) AS lo, max(id) AS hi FROM contacts WHERE owner_id = ?", owner);
        long lo = ((Number) bounds.get("lo")).longValue();
        long hi = ((Number) bounds.get("hi")).longValue();
        for (long[] range : new long[][] {{lo, Math.min(hi, lo + 65_535)}, {lo, hi}}) {
            System.out.printf("EXPLAIN of the sent condition over contact ids %,d..%,d:%n", range[0], range[1]);
            MapSqlParameterSource params = new MapSqlParameterSource()
                    .addValue("ownerId", owner).addValue("campaignId", campaign)
                    .addValue("lo", range[0]).addValue("hi", range[1])
                    .addValue("include", rule.includeTags().toArray(String[]::new))
                    .addValue("exclude", rule.excludeTags().toArray(String[]::new));
            harness.tx.executeWithoutResult(status -> {
                harness.jdbc.getJdbcTemplate().execute(RecipientRule.SENT_PLAN_SETTING);
                harness.jdbc.queryForList("EXPLAIN (ANALYZE, BUFFERS) SELECT c.id, s.id FROM contacts c "
                        + rule.audienceJoins() + " WHERE c.owner_id = :ownerId AND c.id BETWEEN :lo AND :hi "
                        + rule.sqlConditions(), params, String.class).forEach(System.out::println);
                status.setRollbackOnly();
            });
        }
    }

    /** CPU seconds of all PostgreSQL processes so far (the benchmark's embedded server is the only one it starts). */
    private static double postgresCpu() {
        double ticks = 0;
        File[] processes = new File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        for (File process : processes == null ? new File[0] : processes) {
            try {
                String stat = Files.readString(process.toPath().resolve("stat"));
                int name = stat.lastIndexOf(')');
                if (stat.substring(stat.indexOf('(') + 1, name).startsWith("postgres")) {
                    String[] fields = stat.substring(name + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended meanwhile
            }
        }
        return ticks / 100; // USER_HZ
    }

    /** What the other connections' active statements are doing, sampled every 20 ms until closed ({@code -Dwaits}). */
    private static final class WaitSampler implements AutoCloseable {
        private final Map<String, Integer> samples = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        WaitSampler(DataSource dataSource) {
            thread = new Thread(() -> {
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                    while (!stop.get()) {
                        try (ResultSet rs = s.executeQuery("""
                                SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') || '  '
                                       || left(regexp_replace(query, '\\s+', ' ', 'g'), 60)
                                  FROM pg_stat_activity
                                 WHERE state = 'active' AND pid <> pg_backend_pid()
                                   AND backend_type = 'client backend'
                                """)) {
                            while (rs.next()) {
                                samples.merge(rs.getString(1), 1, Integer::sum);
                            }
                        }
                        Thread.sleep(20);
                    }
                } catch (SQLException | InterruptedException e) {
                    System.out.println("wait sampling stopped: " + e);
                }
            }, "wait-sampler");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
            System.out.println("wait events of the active statements (samples, 20 ms apart, per connection):");
            samples.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(20)
                    .forEach(e -> System.out.printf("  %6d  %s%n", e.getValue(), e.getKey()));
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int contacts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int parallelism = Integer.getInteger("edm.audience.parallelism", AudienceProperties.DEFAULTS.parallelism());
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
            // an earlier stage sent to every tenth contact (SENT deliveries); every twentieth opened it (a label)
            long earlier = f.task(campaign, owner, "{}", set);
            f.jdbc().update("""
                    INSERT INTO deliveries (task_id, contact_id, status, claim_token, token, sent_at)
                    SELECT ?, id, 'SENT', 'no claim', 'earlier-' || id, now()
                      FROM contacts WHERE owner_id = ? AND id % 10 = 0
                    """, earlier, owner);
            f.jdbc().update("""
                    INSERT INTO campaign_contact_labels (campaign_id, contact_id, opened_at)
                    SELECT ?, id, now() FROM contacts WHERE owner_id = ? AND id % 20 = 0
                    """, campaign, owner);
            f.jdbc().execute("VACUUM ANALYZE");
            System.out.printf("setup: %,d contacts in %.1f s%n", contacts, (System.nanoTime() - started) / 1e9);
            String rule = "{\"include_tags\": [\"all\"], \"exclude_labels\": [\"opened_in_campaign\"]}";

            // baseline: the previous single statement, for a second task, rolled back so both see the same table
            long baselineTask = f.task(campaign, owner, rule, set);
            double[] baseline = new double[3];
            harness.tx.executeWithoutResult(status -> {
                String statement = """
                        WITH template_choice AS (
                            SELECT array_agg(template_id ORDER BY position, template_id) AS ids
                              FROM template_set_items WHERE template_set_id = %d)
                        INSERT INTO deliveries (task_id, contact_id, template_id, status, skip_reason, claim_token,
                                                token)
                        SELECT %d, c.id, tc.ids[1 + floor(random() * cardinality(tc.ids))::int],
                               CASE WHEN s.id IS NULL THEN 'PENDING' ELSE 'SKIPPED' END,
                               CASE WHEN s.id IS NULL THEN NULL ELSE 'SUPPRESSED' END,
                               CASE WHEN s.id IS NULL THEN NULL ELSE 'no claim' END,
                               replace(gen_random_uuid()::text, '-', '')
                          FROM template_choice tc CROSS JOIN contacts c
                          LEFT JOIN suppressions s ON s.owner_id = c.owner_id
                                AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8'))
                          LEFT JOIN campaign_contact_labels l ON l.campaign_id = %d AND l.contact_id = c.id
                         WHERE c.owner_id = %d AND c.tags && ARRAY['all'] AND NOT (l.opened_at IS NOT NULL)
                        ON CONFLICT (task_id, contact_id) DO NOTHING
                        """.formatted(set, baselineTask, campaign, owner);
                long t0 = System.nanoTime();
                baseline[2] = postgresCpu();
                if (Boolean.getBoolean("explain")) {
                    harness.jdbc.getJdbcTemplate().queryForList("EXPLAIN (ANALYZE, BUFFERS) " + statement, String.class)
                            .forEach(System.out::println);
                } else {
                    baseline[1] = harness.jdbc.getJdbcTemplate().update(statement);
                }
                baseline[0] = (System.nanoTime() - t0) / 1e9;
                baseline[2] = postgresCpu() - baseline[2];
                status.setRollbackOnly();
            });
            System.out.printf("baseline (one INSERT .. SELECT, gen_random_uuid() tokens): %,.0f rows in %.1f s = "
                    + "%,.0f rows/s (PostgreSQL CPU %.1f s)%n", baseline[1], baseline[0], baseline[1] / baseline[0],
                    baseline[2]);
            f.jdbc().execute("VACUUM ANALYZE deliveries");

            TaskActivitiesImpl activities = new TaskActivitiesImpl(harness.jdbc, harness.tx,
                    new org.edm.domain.task.TaskTransitions(harness.jdbc), null,
                    org.edm.activities.delivery.DeliveryProperties.DEFAULTS,
                    new org.edm.domain.quota.TaskQuota(harness.jdbc), new AudienceProperties(parallelism,
                    Integer.getInteger("edm.audience.ranges-per-connection",
                            AudienceProperties.DEFAULTS.rangesPerConnection())));
            long all = f.task(campaign, owner, rule, set);
            double cpu = postgresCpu();
            started = System.nanoTime();
            TaskAudience audience;
            try (WaitSampler waits = Boolean.getBoolean("waits") ? new WaitSampler(harness.dataSource) : null) {
                audience = activities.materializeDeliveries(all);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("materializeDeliveries (ranges on %d connections, keyed-hash tokens): %,d deliveries "
                    + "(%,d pending) in %.1f s = %,.0f rows/s (PostgreSQL CPU %.1f s)%n", parallelism,
                    audience.audienceSize(), audience.pending(), seconds, audience.audienceSize() / seconds,
                    postgresCpu() - cpu);
            System.out.printf("speed-up over the baseline: %.2f×%n", baseline[0] / seconds);

            // a follow-up stage to those sent to and not opened: reads the SENT deliveries of the earlier task
            String sentRule = "{\"include_tags\": [\"all\"], \"include_labels\": [\"unopened_in_campaign\"]}";
            f.jdbc().execute("VACUUM ANALYZE");
            if (Boolean.getBoolean("explain")) {
                explainSentCondition(harness, owner, campaign, RecipientRule.parse(sentRule));
            }
            long followUp = f.task(campaign, owner, sentRule, set);
            started = System.nanoTime();
            TaskAudience sentAudience = activities.materializeDeliveries(followUp);
            seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("materializeDeliveries with a sent condition (unopened_in_campaign, from %,d SENT "
                    + "deliveries of an earlier task): %,d deliveries in %.1f s = %,.0f contacts/s%n", contacts / 10,
                    sentAudience.audienceSize(), seconds, contacts / seconds);
        }
    }
}
