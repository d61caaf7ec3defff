package org.edm.bench;

import org.edm.activities.task.TaskActivitiesImpl;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.Fixtures;
import org.edm.api.security.CurrentUser;
import org.edm.domain.alert.AlertRules;
import org.edm.domain.alert.Alerts;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.SendBatches;
import org.edm.domain.task.TaskRepository;
import org.edm.domain.task.TaskStatus;
import org.springframework.data.jpa.repository.Query;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark program (not a test): the readers an operator's page, a workflow recheck, an alert sweep or a Prometheus
 * scrape runs, timed on a large installation and, in the same run on the same database, on a small one.
 *
 * <p>Each installation is one owner with one campaign: a task now SENDING of N deliveries (mostly SENT, 1 % FAILED,
 * 0.2 % UNKNOWN, 0.8 % SKIPPED, one open batch of SENDING rows, the last 2 % PENDING) and {@code older} FINISHED tasks
 * of N deliveries each, with send batches of 4,000 (half through an SMTP service, half through an Aliyun one, whose
 * sends have provider_messages rows), open/click/bounce events in event_log and a few execution-log rows per task.
 * The small installation (10,000 per task) is seeded and measured first, then the large one, so the global readers
 * (gauges, alerts) see both sizes too. Data goes in with set-based SQL; then VACUUM ANALYZE.
 *
 * <p>Per reader it prints the median and max of {@code calls} timed calls (after one untimed; a reader whose first
 * call takes over 20 s is timed by that call alone and not explained), the rows it returns,
 * and from {@code EXPLAIN (ANALYZE, BUFFERS)} of its statement the shared buffers it touched and the plan's shape.
 * Readers are called through the real code where that is practical (the activity, the repository's query text,
 * the api's classes through reflection, the domain's alert rules); the statement they EXPLAIN is theirs.
 *
 * <p>Run: {@code bin/bench readers [deliveries=1000000] [older=4] [calls=5]}; {@code -Dplans=true} in
 * {@code JAVA_TOOL_OPTIONS} prints every plan in full.
 */
public final class ReadersBenchmark {

    private static final int BATCH = 4_000;
    private static final int OPEN_BATCH = 2_000;

    record Install(String label, int perTask, long owner, long campaign, long current, List<Long> tasks,
                   long smtp, long aliyun) {
    }

    record Reader(String name, String caller, Callable<Integer> call, String sql, MapSqlParameterSource params) {
    }

    record Figures(double medianMs, double maxMs, int rows, long buffers, String shape) {
    }

    private final ActivitiesHarness harness;
    private final NamedParameterJdbcTemplate jdbc;
    private final Fixtures f;
    private final int calls;
    private final boolean plans = Boolean.getBoolean("plans");
    private long smtp;
    private long aliyun;

    private ReadersBenchmark(ActivitiesHarness harness, int calls) {
        this.harness = harness;
        this.jdbc = harness.jdbc;
        this.f = harness.fixtures;
        this.calls = calls;
    }

    public static void main(String[] args) throws Exception {
        int large = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int older = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (ActivitiesHarness harness = new ActivitiesHarness()) {
            new ReadersBenchmark(harness, calls).run(large, older);
        }
    }

    private void run(int large, int older) throws Exception {
        smtp = f.smtpService("smtp.bench.example", 25, 10_000_000, 0, null, null);
        aliyun = f.smtpService("dm.bench.example", 25, 10_000_000, 0, null, null);
        f.jdbc().update("UPDATE sender_services SET provider = 'ALIYUN_DM', name = 'aliyun bench' WHERE id = ?", aliyun);
        Install small = seed("small", 10_000, older);
        Map<String, Figures> smallFigures = measure(small);
        Install big = seed("large", large, older);
        Map<String, Figures> largeFigures = measure(big);
        System.out.printf("%nreaders: %s deliveries per task, %d older tasks (%,d deliveries in all); median/max ms of "
                        + "%d calls, rows returned, shared buffers touched (EXPLAIN ANALYZE BUFFERS)%n",
                String.format("%,d / %,d", small.perTask(), big.perTask()), older,
                f.jdbc().queryForObject("SELECT count(*) FROM deliveries", Long.class), calls);
        System.out.printf("%-34s %-18s %20s %20s %10s %12s  %s%n", "reader", "caller", "small ms (med/max)",
                "large ms (med/max)", "rows", "buffers", "plan (large)");
        for (Map.Entry<String, Figures> e : largeFigures.entrySet()) {
            Figures s = smallFigures.get(e.getKey());
            Figures l = e.getValue();
            String[] nameCaller = e.getKey().split("\\|");
            System.out.printf("%-34s %-18s %20s %20s %10s %12s  %s%n", nameCaller[0], nameCaller[1],
                    String.format("%.1f / %.1f", s.medianMs(), s.maxMs()),
                    String.format("%.1f / %.1f", l.medianMs(), l.maxMs()),
                    String.format("%,d", l.rows()), l.buffers() < 0 ? "-" : String.format("%,d", l.buffers()),
                    l.shape());
        }
    }

    // ---------------------------------------------------------------------------------------------- seeding

    private Install seed(String label, int n, int older) {
        long t0 = System.nanoTime();
        long owner = f.user("readers-" + label, 100_000_000);
        f.grant(owner, smtp);
        f.grant(owner, aliyun);
        long set = f.templateSet(owner, f.template(owner, "A", "<p>A {{unsubscribe_url}}</p>"),
                f.template(owner, "B", "<p>B {{unsubscribe_url}}</p>"));
        long campaign = f.campaign(owner, "readers " + label);
        f.jdbc().update("""
                INSERT INTO contacts (owner_id, email, nickname, tags)
                SELECT ?, 'r' || n || '@' || ? || '.bench.example', 'Nick ' || n, ARRAY['all']
                  FROM generate_series(1, ?) n
                """, owner, label, n);
        List<Long> tasks = new ArrayList<>();
        String rule = "{\"include_tags\": [\"all\"]}";
        for (int i = 0; i <= older; i++) {
            boolean current = i == older;
            Instant plan = Instant.now().minus(current ? 6 : 2L * (older - i) + 1, current ? ChronoUnit.HOURS
                    : ChronoUnit.DAYS);
            long task = f.task(campaign, owner, i + 1, plan, rule, set, "news");
            tasks.add(task);
            f.jdbc().update("""
                    UPDATE tasks SET status = ?, audience_size = ?, actual_start_time = plan_time,
                                     actual_end_time = CASE WHEN ? THEN NULL ELSE plan_time + interval '5 hours' END
                     WHERE id = ?""", current ? "SENDING" : "FINISHED", n, current, task);
            deliveries(task, owner, set, n, current, plan);
            f.jdbc().update("""
                    INSERT INTO task_execution_log (task_id, from_status, to_status, reason, at)
                    SELECT ?, 'SCHEDULED', 'SENDING', 'step ' || k, now() FROM generate_series(1, 12) k""", task);
        }
        f.jdbc().update("UPDATE campaigns SET status = 'ACTIVE' WHERE id = ?", campaign);
        f.jdbc().execute("VACUUM ANALYZE");
        System.out.printf("seeded %s: %d tasks of %,d deliveries in %.1f s%n", label, older + 1, n,
                (System.nanoTime() - t0) / 1e9);
        return new Install(label, n, owner, campaign, tasks.get(older), tasks, smtp, aliyun);
    }

    /** The task's deliveries in contact order, their send batches, claim position, provider messages and events. */
    private void deliveries(long task, long owner, long set, int n, boolean current, Instant plan) {
        List<Long> templates = f.jdbc().queryForList(
                "SELECT template_id FROM template_set_items WHERE template_set_id = ? ORDER BY template_id",
                Long.class, set);
        int pendingFrom = current ? n - n / 50 : n + 1;           // the last 2 % are PENDING
        int sendingFrom = current ? Math.max(1, pendingFrom - OPEN_BATCH) : n + 1;
        MapSqlParameterSource p = new MapSqlParameterSource("task", task).addValue("owner", owner)
                .addValue("n", n).addValue("pendingFrom", pendingFrom).addValue("sendingFrom", sendingFrom)
                .addValue("t1", templates.get(0)).addValue("t2", templates.get(1))
                .addValue("plan", Timestamp.from(plan)).addValue("batch", BATCH)
                .addValue("smtp", smtp).addValue("aliyun", aliyun);
        // k: the delivery's position in the task; its batch is (k - 1) / BATCH, through SMTP or Aliyun by turns
        jdbc.update("""
                WITH c AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM contacts WHERE owner_id = :owner),
                s AS (SELECT id, k, CASE WHEN k >= :pendingFrom THEN 'PENDING'
                                         WHEN k >= :sendingFrom THEN 'SENDING'
                                         WHEN k % 125 = 0 THEN 'SKIPPED'
                                         WHEN k % 100 = 1 THEN 'FAILED'
                                         WHEN k % 500 = 2 THEN 'UNKNOWN'
                                         ELSE 'SENT' END AS status,
                             CASE WHEN ((k - 1) / :batch) % 2 = 0 THEN :smtp ELSE :aliyun END AS service
                        FROM c WHERE k <= :n)
                INSERT INTO deliveries (task_id, contact_id, template_id, status, token, sender_service_id, claim_token,
                                        attempted_at, sent_at, message_id, provider_message_id, error, skip_reason,
                                        created_at, updated_at)
                SELECT :task, s.id, CASE WHEN s.k % 2 = 0 THEN :t1 ELSE :t2 END, s.status, 'b' || :task || '-' || s.k,
                       CASE WHEN s.status IN ('PENDING', 'SKIPPED') THEN NULL ELSE s.service END,
                       CASE WHEN s.status = 'PENDING' THEN NULL WHEN s.status = 'SKIPPED' THEN 'no claim'
                            WHEN s.status = 'SENDING' THEN 'bench/' || :task || '/open'
                            ELSE 'bench/' || :task || '/' || (s.k - 1) / :batch END,
                       CASE WHEN s.status IN ('SENT', 'FAILED', 'UNKNOWN') THEN CAST(:plan AS timestamptz) + s.k * interval '15 ms' END,
                       CASE WHEN s.status = 'SENT' THEN CAST(:plan AS timestamptz) + s.k * interval '15 ms' END,
                       CASE WHEN s.status = 'SENT' THEN '<b' || :task || '-' || s.k || '@bench.example>' END,
                       CASE WHEN s.status = 'SENT' AND s.service = :aliyun THEN 'pm-' || :task || '-' || s.k END,
                       CASE WHEN s.status = 'FAILED' THEN '550 mailbox unavailable' END,
                       CASE WHEN s.status = 'SKIPPED' THEN 'SUPPRESSED' END,
                       :plan, CASE WHEN s.status IN ('PENDING', 'SKIPPED') THEN :plan
                                   WHEN s.status = 'SENDING' THEN now() + interval '1 day'
                                   ELSE CAST(:plan AS timestamptz) + s.k * interval '15 ms' END
                  FROM s ORDER BY s.k
                """, p);
        jdbc.update("""
                INSERT INTO send_batches (claim_token, sender_service_id, task_id, claimed_at, closed_at, sent,
                                          first_sent_at, last_sent_at, first_id, last_id)
                SELECT claim_token, min(sender_service_id), :task, coalesce(min(attempted_at), now()),
                       CASE WHEN claim_token LIKE '%/open' THEN NULL ELSE max(updated_at) END,
                       CASE WHEN claim_token LIKE '%/open' THEN NULL ELSE count(*) FILTER (WHERE status = 'SENT') END,
                       CASE WHEN claim_token LIKE '%/open' THEN NULL ELSE min(sent_at) END,
                       CASE WHEN claim_token LIKE '%/open' THEN NULL ELSE max(sent_at) END, min(id), max(id)
                  FROM deliveries WHERE task_id = :task AND claim_token LIKE 'bench/%'
                 GROUP BY claim_token
                """, p);
        jdbc.update("""
                INSERT INTO task_claim_positions (task_id, claimed_below)
                SELECT :task, coalesce(min(id) FILTER (WHERE status = 'PENDING'), max(id) + 1)
                  FROM deliveries WHERE task_id = :task
                """, p);
        jdbc.update("""
                INSERT INTO provider_messages (delivery_id, provider_message_id)
                SELECT id, provider_message_id FROM deliveries
                 WHERE task_id = :task AND status = 'SENT' AND provider_message_id IS NOT NULL
                """, p);
        // (the open batch's SENDING rows are dated a day ahead: in flight for the whole run, so the recheck's
        // settling of abandoned claims leaves them alone, as it leaves a live batch)
        // opens for a fifth of the sends (a tenth open twice, one in 50 by a machine), clicks for a twentieth,
        // bounces for one in fifty
        jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, contact_id, sender_service_id, type, machine,
                                       occurred_at, details)
                SELECT d.id, d.task_id, t.campaign_id, d.contact_id, d.sender_service_id, e.type, e.machine,
                       d.sent_at + e.after, CASE WHEN e.type = 'BOUNCE' THEN '{"hard": true}'::jsonb END
                  FROM deliveries d JOIN tasks t ON t.id = d.task_id
                 CROSS JOIN LATERAL (VALUES ('OPEN', d.id % 50 = 0, interval '10 minutes', d.id % 5 = 0),
                                            ('OPEN', FALSE, interval '2 hours', d.id % 10 = 0),
                                            ('CLICK', FALSE, interval '11 minutes', d.id % 20 = 0),
                                            ('BOUNCE', FALSE, interval '1 minute', d.id % 50 = 3))
                         AS e(type, machine, after, chosen)
                 WHERE d.task_id = :task AND d.status = 'SENT' AND e.chosen
                """, p);
    }

    // ---------------------------------------------------------------------------------------------- readers

    private List<Reader> readers(Install in) throws Exception {
        List<Reader> list = new ArrayList<>();
        long task = in.current();
        MapSqlParameterSource one = new MapSqlParameterSource("taskId", task).addValue("id", task)
                .addValue("taskIds", List.of(task));
        MapSqlParameterSource all = new MapSqlParameterSource("taskIds", in.tasks()).addValue("tasks", in.tasks());
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        Timestamp today = Timestamp.from(LocalDate.now(zone).atStartOfDay(zone).toInstant());

        TaskActivitiesImpl activities = harness.taskActivities(null);
        list.add(new Reader("countDeliveries (task now sending)", "workflow recheck",
                () -> { activities.countDeliveries(task); return 1; },
                constant(TaskActivitiesImpl.class, "COUNT_DELIVERIES"), one));

        list.add(new Reader("countOutstanding (the recheck now)", "workflow recheck",
                () -> { activities.countOutstanding(task); return 1; },
                "SELECT (" + TaskQuota.PENDING_COUNT + ") AS pending, ("
                        + constant(TaskActivitiesImpl.class, "OPEN_BATCHES_SENDING") + ") AS sending", one));

        Method q = TaskRepository.class.getMethod("countDeliveriesByStatus", Collection.class);
        String byStatus = q.getAnnotation(Query.class).value();
        list.add(reader("TaskViews: one task (task page)", "api task page", byStatus, one));
        list.add(reader("TaskViews: campaign's tasks", "api campaign page", byStatus, all));

        Class<?> taskReads = Class.forName("org.edm.api.task.TaskReads");
        list.add(reader("TaskReads.progress by template", "api progress",
                constant(taskReads, "PROGRESS_BY_TEMPLATE"), one));
        list.add(reader("TaskReads.failures (CSV)", "api failures", constant(taskReads, "FAILURES"), one));
        list.add(reader("TaskReads.log (execution log)", "api log", constant(taskReads, "LOG"), one));

        // the dashboard, through its controller (package-private: reflection), and its two delivery statements
        Class<?> dashboardClass = Class.forName("org.edm.api.dashboard.DashboardController");
        Constructor<?> ctor = dashboardClass.getDeclaredConstructor(NamedParameterJdbcTemplate.class,
                CurrentUser.class);
        ctor.setAccessible(true);
        CurrentUser user = new CurrentUser() {
            @Override
            public long id() {
                return in.owner();
            }

            @Override
            public boolean isAdmin() {
                return false;
            }
        };
        Object dashboard = ctor.newInstance(jdbc, user);
        Method dashboardMethod = dashboardClass.getDeclaredMethod("dashboard", String.class);
        dashboardMethod.setAccessible(true);
        list.add(new Reader("dashboard (whole)", "api dashboard", () -> {
            dashboardMethod.invoke(dashboard, "Asia/Shanghai");
            return 1;
        }, null, null));
        MapSqlParameterSource me = new MapSqlParameterSource("user", in.owner()).addValue("since", today);
        list.add(reader("dashboard: today", "api dashboard", constant(dashboardClass, "TODAY"), me));
        list.add(reader("dashboard: running tasks", "api dashboard", constant(dashboardClass, "RUNNING_TASKS"), me));

        Class<?> reports = Class.forName("org.edm.api.report.Reports");
        list.add(reader("Reports: campaign counts", "api report", constant(reports, "COUNTS"), all));
        list.add(reader("Reports: campaign timeline", "api report", constant(reports, "TIMELINE"),
                new MapSqlParameterSource("tasks", in.tasks()).addValue("campaign", in.campaign())
                        .addValue("unit", "day").addValue("zone", "Asia/Shanghai")));

        list.add(reader("SendBatches.taskSent", "alerts/api", "SELECT " + SendBatches.taskSent(":id"), one));
        list.add(reader("SendBatches.taskFirstSent", "gauges/api", "SELECT " + SendBatches.taskFirstSent(":id"), one));
        list.add(reader("SendBatches.SENT_SINCE (today)", "api services", "SELECT " + SendBatches.SENT_SINCE,
                new MapSqlParameterSource("service", in.aliyun()).addValue("since", today)));
        list.add(reader("SendBatches.lastSent (200)", "alert sweep", SendBatches.lastSent(":service"),
                new MapSqlParameterSource("service", in.aliyun()).addValue("window", 200)));
        TaskQuota quota = new TaskQuota(jdbc);
        list.add(new Reader("TaskQuota.pendingDeliveries", "finish/cancel", () -> {
            quota.pendingDeliveries(task);
            return 1;
        }, "SELECT count(*) FROM deliveries WHERE task_id = :id AND claim_token IS NULL AND id >= "
                + org.edm.domain.task.PendingQueue.claimedBelow(":id"), one));

        AlertRules rules = new AlertRules(new Alerts(jdbc), AlertRules.Thresholds.DEFAULTS);
        list.add(new Reader("AlertRules.evaluate (all rules)", "alert sweep", () -> {
            rules.evaluate();
            return 1;
        }, null, null));
        // the rule's statement as it read before SendBatches.lastSent's aliases were its own: its s.id was taken for
        // the inner deliveries s (rebuilt here from today's fragment; a query timeout of 120 s caps it)
        String bounceBefore = """
                SELECT s.id, r.sends, r.bounces FROM sender_services s CROSS JOIN LATERAL (
                  SELECT count(*) AS sends,
                         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM event_log e
                                                         WHERE e.delivery_id = d.id AND e.type = 'BOUNCE')) AS bounces
                    FROM (%s) d) r""".formatted(SendBatches.lastSent("s.id").replace("ls_s.", "s.")
                .replace("deliveries ls_s ", "deliveries s "));
        NamedParameterJdbcTemplate capped = new NamedParameterJdbcTemplate(new JdbcTemplate(harness.dataSource));
        capped.getJdbcTemplate().setQueryTimeout(120);
        MapSqlParameterSource window = new MapSqlParameterSource("window", AlertRules.Thresholds.DEFAULTS.bounceWindow());
        list.add(new Reader("bounceRate before the alias fix", "alert sweep", () -> {
            try {
                return capped.queryForList(bounceBefore, window).size();
            } catch (org.springframework.dao.QueryTimeoutException e) {
                return -1;
            }
        }, bounceBefore, window));
        for (String rule : List.of("bounceRate", "openRate")) {
            Method m = AlertRules.class.getDeclaredMethod(rule);
            m.setAccessible(true);
            list.add(new Reader("AlertRules." + rule, "alert sweep", () -> {
                m.invoke(rules);
                return 1;
            }, null, null));
        }

        // the gauges: their two delivery statements, then the whole refresh through the class (package-private)
        Class<?> gaugesClass = Class.forName("org.edm.api.monitoring.OperationsGauges");
        list.add(reader("gauges: pending, all tasks", "prometheus", constant(gaugesClass, "PENDING"),
                new MapSqlParameterSource()));
        list.add(reader("gauges: first-send lag", "prometheus", constant(gaugesClass, "FIRST_SEND_LAG"),
                new MapSqlParameterSource()));
        Constructor<?> gc = gaugesClass.getDeclaredConstructor(JdbcTemplate.class,
                io.micrometer.core.instrument.MeterRegistry.class, Optional.class);
        gc.setAccessible(true);
        Object gauges = gc.newInstance(jdbc.getJdbcTemplate(), new SimpleMeterRegistry(),
                Optional.of(Clock.systemUTC()));
        Method refresh = gaugesClass.getDeclaredMethod("refresh");
        refresh.setAccessible(true);
        list.add(new Reader("OperationsGauges.refresh", "prometheus", () -> {
            refresh.invoke(gauges);
            return 1;
        }, null, null));
        return list;
    }

    private Reader reader(String name, String caller, String sql, MapSqlParameterSource params) {
        return new Reader(name, caller, () -> jdbc.queryForList(sql, params).size(), sql, params);
    }

    /** A private constant of a class (the api's statements: read, not copied). */
    private static String constant(Class<?> type, String name) throws Exception {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return (String) field.get(null);
    }

    // ---------------------------------------------------------------------------------------------- measuring

    private Map<String, Figures> measure(Install in) throws Exception {
        Map<String, Figures> out = new LinkedHashMap<>();
        for (Reader r : readers(in)) {
            long first = System.nanoTime();
            int rows = r.call().call();
            double firstMs = (System.nanoTime() - first) / 1e6;
            boolean slow = firstMs > 20_000;
            double[] ms = new double[slow ? 1 : calls];
            if (slow) {
                ms[0] = firstMs;
            }
            for (int i = 0; i < (slow ? 0 : calls); i++) {
                long t0 = System.nanoTime();
                rows = r.call().call();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            long buffers = -1;
            String shape = "-";
            if (slow) {
                shape = "one call only (over 20 s; rows -1: cancelled at 120 s)";
            } else if (r.sql() != null) {
                List<String> plan = jdbc.queryForList("EXPLAIN (ANALYZE, BUFFERS) " + r.sql(), r.params(),
                        String.class);
                if (plans) {
                    System.out.printf("--- %s, %s:%n", r.name(), in.label());
                    plan.forEach(System.out::println);
                }
                buffers = buffers(plan);
                shape = shape(plan);
            }
            Figures fig = new Figures(ms[ms.length / 2], ms[ms.length - 1], rows, buffers, shape);
            out.put(r.name() + "|" + r.caller(), fig);
            System.out.printf("%s %-34s %10.1f ms median %10.1f max  rows %,d  buffers %,d  %s%n", in.label(),
                    r.name(), fig.medianMs(), fig.maxMs(), rows, buffers, shape);
        }
        return out;
    }

    private static final Pattern BUFFERS = Pattern.compile("shared(?: hit=(\\d+))?(?: read=(\\d+))?");

    /** The shared buffers (hit + read) of the plan's top node, or of its first node that reports any. */
    private static long buffers(List<String> plan) {
        for (String line : plan) {
            if (line.trim().startsWith("Buffers:")) {
                Matcher m = BUFFERS.matcher(line);
                if (m.find()) {
                    return (m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                            + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
                }
            }
        }
        return 0;
    }

    /** The scans of the plan, in order: the node type and its relation or index, with the rows it produced. */
    private static String shape(List<String> plan) {
        List<String> scans = new ArrayList<>();
        Pattern scan = Pattern.compile("(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)"
                + "(?: Backward)?(?: using (\\S+))? on (\\S+)(?: \\w+)?\\s+\\(cost=[^)]*\\) \\(actual time=[^ ]+ "
                + "rows=(\\d+) loops=(\\d+)\\)");
        for (String line : plan) {
            Matcher m = scan.matcher(line);
            if (m.find()) {
                long rows = Long.parseLong(m.group(4)) * Long.parseLong(m.group(5));
                String what = switch (m.group(1)) {
                    case "Seq Scan" -> "Seq";
                    case "Index Only Scan" -> "IdxOnly";
                    case "Index Scan" -> "Idx";
                    case "Bitmap Heap Scan" -> "BmpHeap";
                    default -> "BmpIdx";
                };
                String on = m.group(2) != null ? m.group(2) : m.group(3);
                if (rows >= 1000) {
                    scans.add(what + " " + on + " " + String.format("%,d", rows));
                }
            }
        }
        return scans.isEmpty() ? "(small scans only)" : String.join("; ", scans);
    }
}
