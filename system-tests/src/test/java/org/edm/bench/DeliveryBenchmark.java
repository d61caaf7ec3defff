package org.edm.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.testing.TestDatabase;
import org.edm.system.harness.AppProcess;
import org.edm.system.harness.FreePorts;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark program (not a test): one task to N contacts through K SMTP services with throttle 0 into a lean local
 * SMTP sink ({@link CountingSmtpSink}; GreenMail would be the bottleneck), through the real stack — PostgreSQL, the
 * Temporal dev server, the packaged worker JVM — and, in the same run, a plain Jakarta Mail loop with the same
 * concurrency into the same sink. Prints both rates, their ratio, the time from activation to the first mail, the
 * CPU seconds per 1,000 mails of each process over the EDM phase (from /proc), and the worker's peak RSS (VmHWM) and
 * peak heap (from its GC log).
 *
 * <p>Run with {@code bin/bench [contacts] [services] [concurrency-per-service]}.
 */
public final class DeliveryBenchmark {

    public static void main(String[] args) throws Exception {
        int contacts = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int services = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        // a campaign (and as many plain sends) before the measured ones, reported apart: the JIT warm-up of the worker
        // and of the benchmark JVM is not inside the measured window, for neither sender. 20,000: after 2,000 the
        // worker's compiler threads still took ~15 % of its CPU in the measured round, after 20,000 ~8-13 %, after
        // 60,000 ~6 % (a worker that has run for hours compiles nothing; the line "without its JIT compiler threads"
        // estimates that steady state)
        int warmUp = Integer.parseInt(System.getenv().getOrDefault("EDM_BENCH_WARMUP", "20000"));
        Path work = Files.createTempDirectory("edm-bench");
        // the sink offers CHUNKING like Postfix; EDM_BENCH_SINK_CHUNKING=0 hides it, so the send lanes pipeline DATA
        // instead of writing BDAT transactions (an A/B on one build; the plain loop uses DATA either way)
        boolean chunking = !"0".equals(System.getenv("EDM_BENCH_SINK_CHUNKING"));
        System.out.printf("EDM delivery benchmark: %,d contacts, %d SMTP services, concurrency %d per service, "
                + "sink %s CHUNKING%n", contacts, services, concurrency, chunking ? "offers" : "does not offer");

        try (CountingSmtpSink sink = new CountingSmtpSink(chunking)) {
            run(sink, work, contacts, warmUp, services, concurrency);
        }
    }

    private static void run(CountingSmtpSink sink, Path work, int contacts, int warmUp, int services,
                            int concurrency) throws Exception {
        int smtpPort = sink.port();
        TestDatabase.Database db = TestDatabase.freshDatabase();
        ProcessHandle postgres = postmaster(db.jdbcUrl());
        try (TemporalDevServer temporal = TemporalDevServer.start(work.resolve("temporal"))) {
            long taskId = seed(db.dataSource(), contacts, warmUp, services, smtpPort);
            PgStatements.install(db.dataSource());
            Path gcLog = work.resolve("worker-gc.log");
            // the worker's own JVM options (heap bound, GC), as bin/edm-dev and the Docker image start it
            List<String> jvmArgs = new ArrayList<>(List.of("-Xlog:gc:file=" + gcLog));
            jvmArgs.addAll(DeployedJvm.args("worker", work));
            Map<String, String> env = new LinkedHashMap<>();
            // other send-path settings to try (EDM_DELIVERY_BATCH_SIZE, EDM_AUDIENCE_RANGES_PER_CONNECTION ...) pass
            // through from the environment
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("EDM_DELIVERY_") || k.startsWith("EDM_AUDIENCE_")) {
                    env.put(k, v);
                }
            });
            env.putAll(Map.of(
                    "EDM_DB_URL", db.jdbcUrl(), "EDM_DB_USER", "postgres", "EDM_DB_PASSWORD", "",
                    "TEMPORAL_ADDRESS", temporal.address(),
                    "EDM_CREDENTIALS_KEY", TestDatabase.TEST_CREDENTIALS_KEY,
                    "EDM_DELIVERY_CONCURRENCY", String.valueOf(concurrency),
                    // as bin/edm-dev and the Docker image start the worker
                    "MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2")));
            try (AppProcess worker = AppProcess.start("worker", AppProcess.jar("worker"), env,
                    work.resolve("logs"), jvmArgs.toArray(String[]::new))) {
                worker.awaitLog("Started WorkerApplication", Duration.ofMinutes(5));
                Map<String, ProcessHandle> processes = new LinkedHashMap<>();
                processes.put("worker", worker.handle());
                processes.put("PostgreSQL", postgres);
                processes.put("Temporal", temporal.handle());
                long workerPid = worker.handle().pid();
                Phase warm = null;
                Map<String, Double> warmThreads = null;
                double warmJit = 0;
                if (warmUp > 0) {
                    double jitStart = ProcessCpu.jitSeconds(workerPid);
                    Map<String, Double> threadsStart = ProcessCpu.threadSeconds(workerPid);
                    double workerStart = ProcessCpu.seconds(worker.handle());
                    warm = runCampaign(db.dataSource(), temporal.address(), WARM_UP_CAMPAIGN, WARM_UP_TASK, warmUp,
                            sink, () -> { });
                    warmThreads = withEnded(ProcessCpu.between(threadsStart, ProcessCpu.threadSeconds(workerPid)),
                            ProcessCpu.seconds(worker.handle()) - workerStart);
                    warmJit = ProcessCpu.jitSeconds(workerPid) - jitStart;
                    sink.reset();
                }
                double jitBefore = ProcessCpu.jitSeconds(workerPid);
                Map<String, Double> threadsBefore = ProcessCpu.threadSeconds(workerPid);
                PgStatements.reset(db.dataSource());
                Map<String, Double> cpuBefore = cpu(processes);
                long sinkBefore = sink.cpuNanos();
                long self = ProcessHandle.current().pid();
                double workerKernelBefore = ProcessCpu.systemSeconds(workerPid, null);
                double sinkKernelBefore = ProcessCpu.systemSeconds(self, "smtp-sink");
                // the processes' CPU is read the moment the last delivery is decided, before the benchmark looks into
                // the histories and rows for the steps to the first mail (its first gRPC and proto use in this JVM)
                AtomicReference<Map<String, Double>> cpuAtDone = new AtomicReference<>();
                Phase edm = runCampaign(db.dataSource(), temporal.address(), 1, taskId, contacts, sink,
                        () -> cpuAtDone.set(cpu(processes)));
                long started = edm.startedNanos();
                Map<String, Double> cpuAfter = cpuAtDone.get();
                double workerKernel = ProcessCpu.systemSeconds(workerPid, null) - workerKernelBefore;
                Map<String, Double> workerThreads = withEnded(
                        ProcessCpu.between(threadsBefore, ProcessCpu.threadSeconds(workerPid)),
                        cpuAfter.get("worker") - cpuBefore.get("worker"));
                double measuredJit = ProcessCpu.jitSeconds(workerPid) - jitBefore;
                long workerRss = ProcessCpu.peakRssMb(worker.handle().pid());
                // with -XX:NativeMemoryTracking=summary in EDM_BENCH_WORKER_OPTS: where the worker's memory is, taken
                // at the end of the send (before it stops), to see what holds the RSS
                String nativeMemory = jvmArgs.stream().anyMatch(a -> a.contains("NativeMemoryTracking"))
                        ? nativeMemory(worker.handle().pid()) : null;
                worker.stop();
                Thread.sleep(200); // the sink's connection threads add their CPU time when the worker hangs up
                int delivered = sink.received.get();
                double firstMail = (sink.firstNanos.get() - started) / 1e9;
                double sinkRate = delivered / ((sink.lastNanos.get() - sink.firstNanos.get()) / 1e9);
                double sinkCpu = (sink.cpuNanos() - sinkBefore) / 1e9;
                double sinkKernel = ProcessCpu.systemSeconds(self, "smtp-sink") - sinkKernelBefore;
                sink.reset();
                // read after the worker stopped: its backends flushed their table statistics when they closed
                String hotUpdates = hotUpdates(db.dataSource());

                PgStatements.print(db.dataSource(), edm.sent(), "mails");
                double plainWarm = warmUp > 0 ? plainJakartaMailLoop(smtpPort, warmUp, services * concurrency) : 0;
                double plainRate = plainJakartaMailLoop(smtpPort, contacts, services * concurrency);
                System.out.println();
                if (warm != null) {
                    System.out.printf("warm-up (not measured): EDM %,.1f mails/s, plain %,.1f mails/s, %,d mails each%n",
                            warm.rate(), plainWarm, warmUp);
                }
                System.out.printf("EDM Orchestrator     : %,10.1f mails/s  (%,d delivered to the sink; activation to "
                        + "last delivery decided)%n", edm.rate(), delivered);
                System.out.printf("plain Jakarta Mail   : %,10.1f mails/s  (%d threads, one connection each)%n",
                        plainRate, services * concurrency);
                System.out.printf("ratio EDM / plain    : %10.2f%n", edm.rate() / plainRate);
                System.out.printf("activation → 1st mail: %10.2f s%n", firstMail);
                System.out.printf("first → last mail    : %,10.1f mails/s%n", sinkRate);
                System.out.printf("deliveries updates   : %s%n", hotUpdates);
                System.out.printf("worker peak RSS      : %10s%n", workerRss < 0 ? "n/a" : workerRss + " MB");
                System.out.printf("worker peak heap used: %10s%n", peakHeap(gcLog));
                if (nativeMemory != null) {
                    System.out.println(nativeMemory);
                }
                System.out.printf("CPU over the EDM phase (%.1f s wall, %d cores), seconds per 1,000 mails:%n",
                        edm.seconds(), Runtime.getRuntime().availableProcessors());
                double perThousand = 1000.0 / Math.max(1, edm.sent());
                for (String name : processes.keySet()) {
                    double used = cpuAfter.get(name) - cpuBefore.get(name);
                    System.out.printf("  %-30s %7.3f s  (%.1f s in all, %.0f %% of one core)%n", name,
                            used * perThousand, used, 100 * used / edm.seconds());
                }
                double bench = cpuAfter.get(SELF) - cpuBefore.get(SELF);
                System.out.printf("  %-30s %7.3f s  (%.1f s in all)%n", "sink (its connection threads)",
                        sinkCpu * perThousand, sinkCpu);
                System.out.printf("  %-30s %7.3f s  (%.1f s in all)%n", "benchmark JVM (sink + polling)",
                        bench * perThousand, bench);
                double compilers = workerThreads.entrySet().stream()
                        .filter(e -> e.getKey().matches("C[12] CompilerThre.*")).mapToDouble(Map.Entry::getValue).sum();
                double workerCpu = cpuAfter.get("worker") - cpuBefore.get("worker");
                System.out.printf("  %-30s %7.3f s  (the worker without its JIT compiler threads: a warm worker)%n",
                        "worker, steady state", (workerCpu - compilers) * perThousand);
                // syscalls and context switches: what fewer writes, reads and wake-ups per mail save
                System.out.printf("  kernel time in it: worker %.3f s (%.0f %%), sink threads %.3f s (%.0f %%)%n",
                        workerKernel * perThousand, 100 * workerKernel / Math.max(1e-9, workerCpu),
                        sinkKernel * perThousand, 100 * sinkKernel / Math.max(1e-9, sinkCpu));
                printThreads("measured round", workerThreads, edm.sent(), measuredJit);
                if (warm != null) {
                    printThreads("warm-up round (not measured)", warmThreads, warm.sent(), warmJit);
                }
            }
        }
    }

    private static final String SELF = "benchmark JVM";

    /**
     * How many updates of deliveries PostgreSQL wrote as HOT (heap-only: no index entry) since the database was made,
     * warm-up and measured round together: the send path's attempted mark and outcome are meant to be (V150).
     */
    private static String hotUpdates(javax.sql.DataSource ds) throws java.sql.SQLException {
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(
                     "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'deliveries'")) {
            if (!rs.next()) {
                return "n/a";
            }
            long updates = rs.getLong(1);
            long hot = rs.getLong(2);
            return String.format("%,d, HOT %,d (%.1f %%; warm-up and measured round)", updates, hot,
                    100.0 * hot / Math.max(1, updates));
        }
    }

    /**
     * The worker's threads by name over a round, plus what threads that ended meanwhile used (each batch's send lanes
     * end with it, so most of "edm-send" is in there): the process's total minus its live threads.
     */
    private static Map<String, Double> withEnded(Map<String, Double> live, double processTotal) {
        Map<String, Double> threads = new LinkedHashMap<>(live);
        double liveSum = live.values().stream().mapToDouble(Double::doubleValue).sum();
        threads.put("(threads that ended: send lanes of finished batches)", Math.max(0, processTotal - liveSum));
        return threads;
    }

    /**
     * Where the worker's CPU went in a round, per 1,000 mails, and how long the JIT compiled in it: compiler threads
     * busy in the measured round mean it still measures warm-up, not the steady state of a worker that runs for days.
     */
    private static void printThreads(String round, Map<String, Double> threads, long mails, double jitSeconds) {
        double perThousand = 1000.0 / Math.max(1, mails);
        System.out.printf("worker threads, %s, CPU-s per 1,000 mails (JIT compilations took %.2f s wall in it):%n",
                round, jitSeconds);
        threads.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .filter(e -> e.getValue() >= 0.01)
                .forEach(e -> System.out.printf("  %-52s %7.3f s%n", e.getKey(), e.getValue() * perThousand));
    }

    private static Map<String, Double> cpu(Map<String, ProcessHandle> processes) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        processes.forEach((name, handle) -> seconds.put(name, ProcessCpu.seconds(handle)));
        seconds.put(SELF, ProcessCpu.selfSeconds());
        return seconds;
    }

    /**
     * The embedded PostgreSQL's postmaster: pg_ctl leaves it to init, and it may run in its own PID namespace, so it
     * is found by its command line, which names the port ({@code postgres -D ... -p PORT}).
     */
    private static ProcessHandle postmaster(String jdbcUrl) {
        Matcher port = Pattern.compile(":(\\d+)/").matcher(jdbcUrl);
        if (!port.find()) {
            throw new IllegalStateException("no port in " + jdbcUrl);
        }
        String arguments = "-p\0" + port.group(1) + "\0";
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                return cmdline.contains("/postgres\0") && cmdline.contains(arguments);
            } catch (java.io.IOException | RuntimeException gone) {
                return false;
            }
        }).findFirst().orElseThrow(() -> new IllegalStateException("cannot find PostgreSQL's postmaster"));
    }

    private record Phase(long startedNanos, long sent, double seconds) {
        double rate() {
            return sent / seconds;
        }
    }

    /** Everything the task needs, written straight to the tables (the api is not what is measured here). */
    private static final long WARM_UP_CAMPAIGN = 2;
    private static final long WARM_UP_TASK = 2;

    /**
     * The measured campaign is campaign 1 with task 1 (contacts tagged bench); the warm-up campaign 2 with task 2
     * sends the same template to other contacts (tagged warm).
     */
    private static long seed(DataSource ds, int contacts, int warmUp, int services, int smtpPort)
            throws SQLException {
        SecretBox box = SecretBox.fromBase64Key(TestDatabase.TEST_CREDENTIALS_KEY);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (int i = 1; i <= services; i++) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO sender_services (name, provider, domain, settings, secret_ciphertext,
                          secret_key_version, daily_quota, throttle_seconds)
                        VALUES (?, 'SMTP', 'bench.example', ?::jsonb, ?, 1, 1000000000, 0)""")) {
                    ps.setString(1, "sink-" + i);
                    ps.setString(2, "{\"host\":\"127.0.0.1\",\"port\":" + smtpPort + ",\"tls\":false}");
                    ps.setBytes(3, box.seal("{\"password\":\"\"}"));
                    ps.executeUpdate();
                }
            }
            s.execute("INSERT INTO user_sender_service_access (user_id, sender_service_id) "
                    + "SELECT 1, id FROM sender_services");
            // the task is charged its audience when it starts (issue 5): grant it, through the ledger
            int grant = contacts + warmUp;
            s.execute("WITH changed AS (UPDATE users SET quota_balance = quota_balance + " + grant
                    + " WHERE id = 1 RETURNING id, quota_balance) INSERT INTO user_quota_ledger (user_id, delta, "
                    + "reason, balance_after, note) SELECT id, " + grant + ", 'ADMIN_ADJUST', quota_balance, "
                    + "'benchmark' FROM changed");
            s.execute("INSERT INTO contacts (owner_id, email, nickname, tags) SELECT 1, 'c' || g || '@sink.example', "
                    + "'Reader ' || g, ARRAY['bench'] FROM generate_series(1, " + contacts + ") g");
            s.execute("INSERT INTO templates (owner_id, name, subject, body_html) VALUES (1, 'bench', "
                    + "'Hello {{nickname}}', '<p>Hi {{nickname}},</p><p>news of the week.</p>"
                    + "<a href=\"{{unsubscribe_url}}\">unsubscribe</a>')");
            s.execute("INSERT INTO template_sets (owner_id, name) VALUES (1, 'bench')");
            s.execute("INSERT INTO template_set_items (template_set_id, template_id) SELECT 1, 1");
            s.execute("INSERT INTO contacts (owner_id, email, nickname, tags) SELECT 1, 'w' || g || '@sink.example', "
                    + "'Reader ' || g, ARRAY['warm'] FROM generate_series(1, " + warmUp + ") g");
            s.execute("INSERT INTO campaigns (owner_id, name, start_time, status) VALUES (1, 'bench', now(), 'ACTIVE'),"
                    + " (1, 'warm-up', now(), 'ACTIVE')");
            try (ResultSet rs = s.executeQuery("""
                    INSERT INTO tasks (campaign_id, owner_id, seq, name, plan_time, recipient_rule, template_set_id,
                      sender_name, status)
                    VALUES (1, 1, 0, 'bench', now(), '{"include_tags":["bench"]}', 1, 'news', 'DRAFT'),
                           (2, 1, 0, 'warm-up', now(), '{"include_tags":["warm"]}', 1, 'news', 'DRAFT')
                    RETURNING id""")) {
                rs.next();
                long taskId = rs.getLong(1);
                // each task reserves its planned audience, as the campaign's activation does (TaskQuota.reservePlanned):
                // the send path spends the reservation while the audience is still being inserted (issue 12)
                s.execute("UPDATE tasks SET quota_reserved = CASE WHEN id = " + taskId + " THEN " + contacts
                        + " ELSE " + warmUp + " END");
                s.execute("WITH changed AS (UPDATE users SET quota_balance = quota_balance - " + grant
                        + " WHERE id = 1 RETURNING id, quota_balance) INSERT INTO user_quota_ledger (user_id, delta, "
                        + "reason, balance_after, note) SELECT id, -" + grant + ", 'TASK_RESERVE', quota_balance, "
                        + "'benchmark: both tasks activated' FROM changed");
                return taskId;
            }
        }
    }

    private static Phase runCampaign(DataSource ds, String temporalAddress, long campaignId, long taskId,
                                     int contacts, CountingSmtpSink sink, Runnable atDone) throws Exception {
        // connected before the clock starts, as the api's long-lived client is: a fresh channel's connection and
        // capability look-up (30-40 ms) are the benchmark's own, not the activation's
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newConnectedServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(temporalAddress).build(), Duration.ofSeconds(10));
        stubs.getServerCapabilities().get();
        WorkflowClient client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().build());
        CampaignWorkflow campaign = client.newWorkflowStub(CampaignWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.campaign(campaignId)).setTaskQueue(TaskQueues.EDM).build());
        long started = System.nanoTime();
        long startedMillis = System.currentTimeMillis();
        WorkflowClient.start(campaign::run, new CampaignInput(campaignId));
        long done;
        long lastLook = 0;
        long received = -1;
        long receivedChanged = 0;
        while (true) {
            // The sink's count is free; the database is asked (its CPU is measured) only once the sink has them all,
            // or every second once no mail has arrived for a second (some deliveries may not reach it: failed,
            // skipped). While mails arrive the task is not done. (Until round 13 it was asked every second
            // throughout: at a million deliveries each count read the whole task, 22-29 % of PostgreSQL's statement
            // time in the measured phase.)
            long now = System.nanoTime();
            long arrived = sink.received.get();
            if (arrived != received) {
                received = arrived;
                receivedChanged = now;
            }
            if (received < contacts && (now - receivedChanged < 1_000_000_000L || now - lastLook < 1_000_000_000L)) {
                Thread.sleep(10);
                continue;
            }
            lastLook = System.nanoTime();
            long outstanding = count(ds, "SELECT " + contacts + " - count(*) FILTER (WHERE status NOT IN "
                    + "('PENDING','SENDING')) FROM deliveries WHERE task_id = " + taskId);
            if (outstanding <= 0) {
                done = System.nanoTime();
                atDone.run();
                break;
            }
            if (Duration.ofNanos(System.nanoTime() - started).toMinutes() > 30) {
                throw new IllegalStateException("gave up after 30 minutes with " + outstanding + " outstanding");
            }
            Thread.sleep(10);
        }
        long sent = count(ds, "SELECT count(*) FROM deliveries WHERE task_id = " + taskId + " AND status = 'SENT'");
        if (campaignId != WARM_UP_CAMPAIGN) {
            FirstMailSteps.print(client, ds, campaignId, taskId, startedMillis, "activation",
                    startedMillis + (sink.firstNanos.get() - started) / 1_000_000);
        }
        stubs.shutdown();
        double seconds = (done - started) / 1e9;
        System.out.printf("EDM%s: %,d sent of %,d in %.1f s (activation to last delivery decided)%n",
                campaignId == WARM_UP_CAMPAIGN ? " warm-up" : "", sent, contacts, seconds);
        return new Phase(started, sent, seconds);
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double plainJakartaMailLoop(int smtpPort, int messages, int threads) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        Session session = Session.getInstance(props);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            futures.add(pool.submit(() -> {
                try (Transport transport = session.getTransport("smtp")) {
                    transport.connect();
                    for (int i = first; i < messages; i += threads) {
                        MimeMessage m = new MimeMessage(session);
                        m.setFrom(new InternetAddress("news@bench.example"));
                        m.setRecipient(Message.RecipientType.TO, new InternetAddress("c" + i + "@sink.example"));
                        m.setSubject("Hello Reader " + i, "UTF-8");
                        m.setContent("<p>Hi Reader " + i + ",</p><p>news of the week.</p>", "text/html; charset=UTF-8");
                        m.saveChanges();
                        transport.sendMessage(m, m.getAllRecipients());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        System.out.printf("plain: %,d sent in %.1f s%n", messages, seconds);
        return messages / seconds;
    }

    /** {@code jcmd PID VM.native_memory summary} and the kernel's {@code smaps_rollup} of the worker, as text. */
    private static String nativeMemory(long pid) {
        StringBuilder out = new StringBuilder("worker native memory at the end of the send (NMT, committed):\n");
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
                    .redirectErrorStream(true).start();
            out.append(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            p.waitFor();
            out.append("/proc/").append(pid).append("/smaps_rollup:\n")
                    .append(Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup")));
        } catch (Exception e) {
            out.append("not available: ").append(e);
        }
        return out.toString();
    }

    /** Largest heap occupancy before any collection, from -Xlog:gc lines such as "...) 120M->30M(256M) ...". */
    private static String peakHeap(Path gcLog) throws Exception {
        if (!Files.exists(gcLog)) {
            return "n/a";
        }
        Pattern before = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = before.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak == 0 ? "no GC ran" : peak + " MB";
    }
}
