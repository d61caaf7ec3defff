package org.edm.bench;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.testing.TestDatabase;
import org.edm.system.harness.AppProcess;
import org.edm.system.harness.TemporalDevServer;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignInput;
import org.edm.workflows.campaign.CampaignWorkflow;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark program (not a test): how long after a task's plan_time its first mail reaches the SMTP server, through
 * the real stack (PostgreSQL, the Temporal dev server, the packaged worker JVM, a lean loopback SMTP sink). Each
 * round activates a fresh campaign whose one task is planned a few seconds ahead, to N contacts, and waits for the
 * sink's first message; round 0 warms the worker up and is reported apart. For the last round it prints where the
 * time went, from the workflows' histories (timer fired, task started, audience materialised, demand published,
 * first batch started).
 *
 * <p>Run with {@code bin/bench first-mail [rounds=5] [contacts=1000]}.
 */
public final class FirstMailBenchmark {

    private static final Duration LEAD = Duration.ofSeconds(3);

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int contacts = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path work = Files.createTempDirectory("edm-bench-first");
        System.out.printf("EDM plan_time -> first mail: %d rounds (+1 warm-up), %,d contacts per task%n",
                rounds, contacts);
        TestDatabase.Database db = TestDatabase.freshDatabase();
        try (CountingSmtpSink sink = new CountingSmtpSink();
             TemporalDevServer temporal = TemporalDevServer.start(work.resolve("temporal"))) {
            seed(db.dataSource(), contacts, rounds + 1, sink.port());
            try (AppProcess worker = AppProcess.start("worker", AppProcess.jar("worker"), Map.of(
                    "EDM_DB_URL", db.jdbcUrl(), "EDM_DB_USER", "postgres", "EDM_DB_PASSWORD", "",
                    "TEMPORAL_ADDRESS", temporal.address(),
                    "EDM_CREDENTIALS_KEY", TestDatabase.TEST_CREDENTIALS_KEY), work.resolve("logs"))) {
                worker.awaitLog("Started WorkerApplication", Duration.ofMinutes(5));
                // generous timeouts: on a loaded machine the first calls to the dev server can take seconds
                WorkflowServiceStubs stubs = WorkflowServiceStubs.newConnectedServiceStubs(
                        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address())
                                .setRpcTimeout(Duration.ofSeconds(30)).build(), Duration.ofMinutes(1));
                WorkflowClient client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().build());
                List<Double> figures = new ArrayList<>();
                for (int round = 0; round <= rounds; round++) {
                    double seconds = round(db.dataSource(), client, sink, round + 1, contacts);
                    System.out.printf("round %d%s: plan_time -> first mail %.3f s%n", round,
                            round == 0 ? " (warm-up)" : "", seconds);
                    if (round > 0) {
                        figures.add(seconds);
                    }
                }
                figures.sort(null);
                System.out.println();
                System.out.printf("plan_time -> first mail over %d rounds: min %.3f s, median %.3f s, max %.3f s%n",
                        figures.size(), figures.get(0), figures.get(figures.size() / 2),
                        figures.get(figures.size() - 1));
                printBreakdown(client, db.dataSource(), rounds + 1);
                stubs.shutdown();
            }
        }
    }

    /** Activates campaign {@code n} (task {@code n}, planned {@link #LEAD} ahead) and waits for its first mail. */
    private static double round(DataSource ds, WorkflowClient client, CountingSmtpSink sink, long n, int contacts)
            throws Exception {
        int before = sink.received.get();
        sink.firstNanos.set(0);
        Instant planTime = Instant.now().plus(LEAD);
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE tasks SET plan_time = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(planTime));
            ps.setLong(2, n);
            ps.executeUpdate();
        }
        CampaignWorkflow campaign = client.newWorkflowStub(CampaignWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.campaign(n)).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(campaign::run, new CampaignInput(n));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (sink.received.get() == before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no mail within 2 minutes of round " + n);
            }
            Thread.sleep(1);
        }
        // the sink notes its first message on the monotonic clock; carry it over to the wall clock of plan_time
        long firstMailMillis = System.currentTimeMillis() - (System.nanoTime() - sink.firstNanos.get()) / 1_000_000;
        // let the task finish so the next round starts on a quiet worker
        while (count(ds, "SELECT count(*) FROM tasks WHERE id = " + n + " AND status = 'FINISHED'") == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("task " + n + " did not finish within 2 minutes");
            }
            Thread.sleep(20);
        }
        return (firstMailMillis - planTime.toEpochMilli()) / 1000.0;
    }

    /** Each step of the last round after its plan_time (histories and the task's rows, {@link FirstMailSteps}). */
    private static void printBreakdown(WorkflowClient client, DataSource ds, long n) throws SQLException {
        long planMillis;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT plan_time FROM tasks WHERE id = " + n)) {
            rs.next();
            planMillis = rs.getTimestamp(1).getTime();
        }
        FirstMailSteps.print(client, ds, n, n, planMillis, "plan_time, last round", null);
    }

    /** Campaigns 1..n, each with one DRAFT task to the same contacts, one SMTP service into the sink, quota for all. */
    private static void seed(DataSource ds, int contacts, int campaigns, int smtpPort) throws SQLException {
        SecretBox box = SecretBox.fromBase64Key(TestDatabase.TEST_CREDENTIALS_KEY);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO sender_services (name, provider, domain, settings, secret_ciphertext,
                      secret_key_version, daily_quota, throttle_seconds)
                    VALUES ('sink', 'SMTP', 'bench.example', ?::jsonb, ?, 1, 1000000000, 0)""")) {
                ps.setString(1, "{\"host\":\"127.0.0.1\",\"port\":" + smtpPort + ",\"tls\":false}");
                ps.setBytes(2, box.seal("{\"password\":\"\"}"));
                ps.executeUpdate();
            }
            s.execute("INSERT INTO user_sender_service_access (user_id, sender_service_id) "
                    + "SELECT 1, id FROM sender_services");
            long quota = (long) contacts * campaigns;
            s.execute("WITH changed AS (UPDATE users SET quota_balance = quota_balance + " + quota
                    + " WHERE id = 1 RETURNING id, quota_balance) INSERT INTO user_quota_ledger (user_id, delta, "
                    + "reason, balance_after, note) SELECT id, " + quota + ", 'ADMIN_ADJUST', quota_balance, "
                    + "'benchmark' FROM changed");
            s.execute("INSERT INTO contacts (owner_id, email, nickname, tags) SELECT 1, 'c' || g || '@sink.example', "
                    + "'Reader ' || g, ARRAY['bench'] FROM generate_series(1, " + contacts + ") g");
            s.execute("INSERT INTO templates (owner_id, name, subject, body_html) VALUES (1, 'bench', "
                    + "'Hello {{nickname}}', '<p>Hi {{nickname}},</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>')");
            s.execute("INSERT INTO template_sets (owner_id, name) VALUES (1, 'bench')");
            s.execute("INSERT INTO template_set_items (template_set_id, template_id) SELECT 1, 1");
            for (int n = 1; n <= campaigns; n++) {
                s.execute("INSERT INTO campaigns (id, owner_id, name, start_time, status) VALUES (" + n
                        + ", 1, 'bench " + n + "', now(), 'ACTIVE')");
                s.execute("""
                        INSERT INTO tasks (id, campaign_id, owner_id, seq, name, plan_time, recipient_rule,
                          template_set_id, sender_name, status)
                        VALUES (%d, %d, 1, 0, 'bench', now() + interval '1 day', '{"include_tags":["bench"]}', 1,
                          'news', 'DRAFT')""".formatted(n, n));
            }
        }
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
