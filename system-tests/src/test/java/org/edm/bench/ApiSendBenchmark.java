package org.edm.bench;

import org.edm.domain.crypto.SecretBox;
import org.edm.domain.testing.TestDatabase;
import org.edm.system.harness.AppProcess;
import org.edm.system.harness.FreePorts;
import org.edm.system.harness.TemporalDevServer;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark program (not a test) of the developer API: {@code POST /api/v1/send} sustained for N seconds by a load
 * generator on this machine against the packaged api JVM, with the packaged worker JVM sending through the real
 * Temporal dev server into a lean local SMTP sink standing in for DirectMail's SMTP interface. Prints accepted/s,
 * the 202's p50/p99/max latency, other answers, and the end-to-end mails/s into the sink (first to last mail) plus
 * how long the queue took to drain after the load stopped.
 *
 * <p>Two ways to load it. {@code bin/bench send [seconds=30] [client-threads=32]}: closed loop, the maximum
 * throughput (each client sends its next request when the answer is in). {@code bin/bench send [seconds=30] --rate
 * 500 [--connections N]}: open loop, a fixed arrival rate with each request's latency measured from its intended
 * start (no coordinated omission, like wrk2) — the honest latency at that rate. Target on 2 cores: >= 500
 * accepted/s with p99 <= 100 ms.
 */
public final class ApiSendBenchmark {

    private static final String KEY = "edm_live_" + "b".repeat(43);
    private static final String FROM = "service@bench.example";
    private static final String GENERATOR = "load generator (client threads)";
    /** Long enough for the JIT to settle on a quiet machine (the run prints what compiling remained). */
    private static final int WARM_UP_SECONDS = Integer.parseInt(
            System.getenv().getOrDefault("EDM_BENCH_WARM_UP_SECONDS", "20"));

    /**
     * The worker's scheduling priority on this shared machine (EDM_BENCH_WORKER_NICE, 0 = as the api): the api's
     * answer should not queue behind the worker's DKIM signing, which can catch up in the gaps and after the load.
     * In production api and worker run on separate hosts; where they share one, start the worker with
     * {@code nice -n 10} (README, API keys and sending).
     */
    private static final int WORKER_NICE = Integer.parseInt(
            System.getenv().getOrDefault("EDM_BENCH_WORKER_NICE", "10"));

    public static void main(String[] args) throws Exception {
        int seconds = 30;
        int threads = 32;
        double rate = 0;
        int connections = 0;
        List<String> positional = new ArrayList<>();
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--rate" -> rate = Double.parseDouble(args[++a]);
                case "--connections" -> connections = Integer.parseInt(args[++a]);
                default -> positional.add(args[a]);
            }
        }
        if (!positional.isEmpty()) {
            seconds = Integer.parseInt(positional.get(0));
        }
        if (positional.size() > 1) {
            threads = Integer.parseInt(positional.get(1));
        }
        Load mode = rate > 0 ? new OpenLoop(rate, connections > 0 ? connections : OpenLoop.connectionsFor(rate))
                : new ClosedLoop(threads);
        Path work = Files.createTempDirectory("edm-bench-send");
        System.out.printf("EDM API send benchmark: %d s of POST /api/v1/send, %s%n", seconds, mode.describe());

        TestDatabase.Database db = TestDatabase.freshDatabase();
        seed(db.dataSource());
        PgStatements.install(db.dataSource());
        int apiPort = FreePorts.next();
        try (CountingSmtpSink sink = new CountingSmtpSink();
             TemporalDevServer temporal = TemporalDevServer.start(work.resolve("temporal"))) {
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "EDM_DB_URL", db.jdbcUrl(), "EDM_DB_USER", "postgres", "EDM_DB_PASSWORD", "",
                    "TEMPORAL_ADDRESS", temporal.address(),
                    "EDM_CREDENTIALS_KEY", TestDatabase.TEST_CREDENTIALS_KEY,
                    "EDM_PUBLIC_BASE_URL", "http://127.0.0.1:" + apiPort,
                    "EDM_API_PORT", String.valueOf(apiPort),
                    "EDM_API_SEND_SMTP_HOST", "127.0.0.1",
                    "EDM_API_SEND_SMTP_PORT", String.valueOf(sink.port()),
                    "EDM_API_SEND_SMTP_SSL", "false"));
            // one after the other: two JVMs starting at once on 2 cores take longer than twice one
            String[] apiJvmArgs = DeployedJvm.args("api", work).toArray(String[]::new);
            String[] workerJvmArgs = DeployedJvm.args("worker", work).toArray(String[]::new);
            try (AppProcess api = started(AppProcess.start("api", AppProcess.jar("api"), env, work.resolve("logs"),
                    apiJvmArgs), "Started ApiApplication");
                 AppProcess worker = started(AppProcess.start("worker", AppProcess.jar("worker"), env,
                         work.resolve("logs"), workerJvmArgs), "Started WorkerApplication")) {
                if (WORKER_NICE != 0) {
                    renice(worker.handle().pid(), WORKER_NICE);
                }
                ProcessCpu cpu = new ProcessCpu()
                        .process("api", api.handle().pid())
                        .process("worker", worker.handle().pid())
                        .process("PostgreSQL (all its processes)", postmasterPid(db.dataSource()))
                        .process("Temporal dev server", temporal.handle().pid())
                        .threads(GENERATOR, name -> name.startsWith("load-"))
                        .threads("SMTP sink", name -> name.startsWith("smtp-sink"));
                // warm-up: JIT (C2 compiles take seconds of CPU that are not a send's), connection pools, the
                // dispatcher's first start; then the queue drains before the measured window starts
                mode.run(apiPort, WARM_UP_SECONDS, sink);
                int warm = waitForSink(sink, count(db.dataSource(), "SELECT count(*) FROM api_messages"),
                        Duration.ofMinutes(2));
                System.out.printf("warm-up: %d messages sent%n", warm);

                int before = sink.received.get();
                double apiJitStart = ProcessCpu.jitSeconds(api.handle().pid());
                double workerJitStart = ProcessCpu.jitSeconds(worker.handle().pid());
                Map<String, Double> apiThreadsStart = ProcessCpu.threadSeconds(api.handle().pid());
                Map<String, Double> workerThreadsStart = ProcessCpu.threadSeconds(worker.handle().pid());
                long ledgerBefore = count(db.dataSource(), "SELECT coalesce(max(id), 0) FROM user_quota_ledger");
                long messagesBefore = count(db.dataSource(), "SELECT coalesce(max(id), 0) FROM api_messages");
                PgStatements.reset(db.dataSource());
                Map<String, Double> cpuStart = cpu.snapshot();
                long sinkStart = System.nanoTime();
                Result r = mode.run(apiPort, seconds, sink);
                long loadEnd = System.nanoTime();
                Map<String, Double> cpuLoadEnd = cpu.snapshot();
                Map<String, Double> apiThreads = ProcessCpu.between(apiThreadsStart,
                        ProcessCpu.threadSeconds(api.handle().pid()));
                Map<String, Double> workerThreads = ProcessCpu.between(workerThreadsStart,
                        ProcessCpu.threadSeconds(worker.handle().pid()));
                double apiJit = ProcessCpu.jitSeconds(api.handle().pid()) - apiJitStart;
                double workerJit = ProcessCpu.jitSeconds(worker.handle().pid()) - workerJitStart;
                long total = count(db.dataSource(), "SELECT count(*) FROM api_messages");
                waitForSink(sink, total, Duration.ofMinutes(10));
                long drainedAt = System.nanoTime();
                Map<String, Double> cpuDrained = cpu.snapshot();
                int mails = sink.received.get() - before;

                long[] sorted = r.latencies();
                Arrays.sort(sorted);
                double loadSeconds = (loadEnd - sinkStart) / 1e9;
                System.out.println();
                System.out.printf("mode                  : %s%n", mode.describe());
                if (mode instanceof OpenLoop open) {
                    System.out.printf("offered               : %,10d requests at %,.1f /s (intended start times)%n",
                            r.offered(), open.rate);
                }
                System.out.printf("accepted (202)        : %,10d in %.1f s = %,8.1f /s%n", sorted.length, loadSeconds,
                        sorted.length / loadSeconds);
                System.out.printf("202 latency           : p50 %6.1f ms   p90 %6.1f ms   p99 %6.1f ms   max %6.1f ms"
                        + "   (%s)%n", pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99),
                        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, mode instanceof OpenLoop
                                ? "from each request's intended start: queueing in the api counts, as a user sees it"
                                : "closed loop, from when the request left: see the README on why this flatters");
                System.out.printf("other answers, errors : %,10d answers other than 202, %,d I/O errors%n",
                        r.others(), r.errors());
                double generatorCpu = cpuLoadEnd.get(GENERATOR) - cpuStart.get(GENERATOR);
                System.out.printf("load generator CPU    : %10.1f s in the window = %.0f µs per request%n",
                        generatorCpu, 1e6 * generatorCpu / Math.max(1, r.offered()));
                if (mode instanceof OpenLoop) {
                    System.out.printf("generator lag         : %,10d requests left > 1 ms after their intended start "
                            + "(max %.1f ms): every connection was still waiting for an answer, so the api fell behind the rate (or, if the "
                            + "latencies are low, use more --connections)%n", r.late(), r.maxLagNanos() / 1e6);
                }
                System.out.printf("mails into the sink   : %,10d   end to end %,8.1f mails/s (first accepted to last mail)%n",
                        mails, mails / ((drainedAt - sinkStart) / 1e9));
                System.out.printf("mails during the load : %,10d%n", r.sentDuringLoad(sink, before));
                System.out.printf("queue drained after   : %,10.1f s after the load stopped%n",
                        (drainedAt - loadEnd) / 1e9);
                System.out.printf("messages by status    : %s%n", statuses(db.dataSource()));
                System.out.printf("JIT in the load window: api %.1f s, worker %.1f s (summed duration of the "
                        + "compilations, wall time: more than ~1 s means the window still measured warm-up)%n",
                        apiJit, workerJit);
                printCpu(ProcessCpu.between(cpuStart, cpuLoadEnd), ProcessCpu.between(cpuLoadEnd, cpuDrained),
                        sorted.length, mails, (loadEnd - sinkStart) / 1e9, (drainedAt - loadEnd) / 1e9);
                printThreads("api", apiThreads);
                printThreads("worker", workerThreads);
                System.out.println();
                printGroups(db.dataSource(), ledgerBefore, messagesBefore);
                PgStatements.print(db.dataSource(), sorted.length, "messages");
            }
        }
    }

    /**
     * CPU seconds per process in the load window and in the drain after it, and per 1,000 accepted messages (load
     * window + drain: everything it took to accept and send them). "machine" includes whatever else ran.
     */
    private static void printCpu(Map<String, Double> load, Map<String, Double> drain, int accepted, int mails,
                                 double loadSeconds, double drainSeconds) {
        System.out.println();
        System.out.printf("CPU seconds (user+sys)          %10s %10s %14s%n", "load " + Math.round(loadSeconds) + " s",
                String.format("drain %.0f s", drainSeconds), "per 1,000 acc.");
        double ours = 0;
        for (String name : load.keySet()) {
            double l = load.get(name);
            double d = drain.getOrDefault(name, 0.0);
            if (name.startsWith("machine")) {
                System.out.printf("  %-30s %10.1f %10.1f %14.2f%n", "sum of the above", ours,
                        ours(drain), 1000 * (ours + ours(drain)) / Math.max(1, accepted));
            } else {
                ours += l;
            }
            System.out.printf("  %-30s %10.1f %10.1f %14.2f%n", name, l, d, 1000 * (l + d) / Math.max(1, accepted));
        }
        System.out.printf("  (2 cores = %.0f CPU s in the load window; %,d accepted, %,d mails)%n",
                2 * loadSeconds, accepted, mails);
    }

    /**
     * How the worker sent the measured window's messages: the in-flight groups it attempted (one API_SEND ledger row
     * per owner and group, the group's size as its delta), and how long a message waited from its 202 to SENT. The
     * group sizes decide the worker's statements and commits per message, and the wait shows whether the worker kept
     * up during the load.
     */
    private static void printGroups(DataSource ds, long ledgerBefore, long messagesBefore) throws SQLException {
        StringBuilder sizes = new StringBuilder();
        long groups = 0;
        long units = 0;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT -delta AS size, count(*) FROM user_quota_ledger
                 WHERE id > ? AND reason = 'API_SEND' GROUP BY 1 ORDER BY 1""")) {
            ps.setLong(1, ledgerBefore);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups += rs.getLong(2);
                    units += rs.getLong(1) * rs.getLong(2);
                    sizes.append(' ').append(rs.getLong(1)).append(':').append(rs.getLong(2));
                }
            }
        }
        System.out.printf("in-flight groups      : %,10d groups for %,d messages = %.2f per group (size:groups%s)%n",
                groups, units, units / (double) Math.max(1, groups), sizes);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99])
                         WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at)),
                       max(extract(epoch FROM sent_at - created_at))
                  FROM api_messages WHERE id > ? AND sent_at IS NOT NULL""")) {
            ps.setLong(1, messagesBefore);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Double[] p = (Double[]) rs.getArray(1).getArray();
                System.out.printf("202 → SENT            : p50 %6.0f ms   p90 %6.0f ms   p99 %6.0f ms   max %6.0f ms"
                        + "%n", p[0] * 1000, p[1] * 1000, p[2] * 1000, rs.getDouble(2) * 1000);
            }
        }
    }

    /**
     * Lowers every thread of a running JVM to {@code nice} (Linux schedules threads, and a new thread starts at its
     * creator's niceness, so the threads started later follow).
     */
    private static void renice(long pid, int nice) throws Exception {
        List<String> command = new ArrayList<>(List.of("renice", "-n", String.valueOf(nice), "-p"));
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> command.add(task.getFileName().toString()));
        }
        Process renice = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (renice.waitFor() != 0) {
            throw new IllegalStateException("renice of the worker failed: " + command);
        }
        System.out.printf("worker niceness: %d (EDM_BENCH_WORKER_NICE)%n", nice);
    }

    /** The threads (numbers folded to N) that used the most CPU in the load window: where a process's time went. */
    private static void printThreads(String process, Map<String, Double> threads) {
        System.out.printf("%n%s threads, CPU s in the load window (live threads, numbers folded to N):%n", process);
        threads.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(10)
                .filter(e -> e.getValue() >= 0.1)
                .forEach(e -> System.out.printf("  %-36s %6.1f%n", e.getKey(), e.getValue()));
    }

    private static double ours(Map<String, Double> cpu) {
        return cpu.entrySet().stream().filter(e -> !e.getKey().startsWith("machine"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The embedded server's postmaster (parent of its backends), from postmaster.pid in its data directory. */
    private static long postmasterPid(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT current_setting('data_directory')")) {
            rs.next();
            return Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
        }
    }

    private static AppProcess started(AppProcess process, String line) throws Exception {
        try {
            process.awaitLog(line, Duration.ofMinutes(5));
            return process;
        } catch (Exception e) {
            process.close();
            throw e;
        }
    }

    /**
     * What one measured window saw: the 202s' latencies (ns), other answers, I/O errors, the sink's count at the end;
     * for the open loop also the requests offered and how many left later than intended (generator lag).
     */
    private record Result(long[] latencies, int others, int errors, int sinkAtEnd, long offered, long late,
                          long maxLagNanos) {
        int sentDuringLoad(CountingSmtpSink sink, int before) {
            return sinkAtEnd - before;
        }
    }

    /** A way to load the api for a number of seconds. */
    private sealed interface Load permits ClosedLoop, OpenLoop {
        String describe();

        Result run(int port, int seconds, CountingSmtpSink sink) throws Exception;
    }

    private static String body(int i) {
        return "{\"to\":\"user" + i + "@sink.example\",\"from\":\"" + FROM + "\","
                + "\"subject\":\"Your code " + i + "\",\"html\":\"<p>Code " + i
                + " <a href=\\\"https://example.com/v?c=" + i + "\\\">verify</a></p>\","
                + "\"campaign_id\":\"bench-otp\"}";
    }

    private static final String HEADERS = "Authorization: Bearer " + KEY + "\r\nContent-Type: application/json\r\n";

    /**
     * Maximum throughput: {@code threads} clients, each on its own kept-alive connection, sending one request after
     * another (the next leaves when the answer is in) until the time is up. Its latency is mostly its own queue
     * (Little's law: threads / throughput), and a slow answer holds back the requests behind it instead of
     * being measured against them (coordinated omission), so it tells the ceiling, not the latency users see.
     */
    private record ClosedLoop(int threads) implements Load {
        @Override
        public String describe() {
            return "closed loop (max throughput) from " + threads + " client threads";
        }

        @Override
        public Result run(int port, int seconds, CountingSmtpSink sink) throws Exception {
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            AtomicInteger sequence = new AtomicInteger();
            Answers answers = new Answers();
            ExecutorService pool = clients(threads);
            List<Future<long[]>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> {
                    Recorder recorder = new Recorder(answers);
                    try (KeepAliveHttp http = new KeepAliveHttp(port, "POST", "/api/v1/send", HEADERS)) {
                        while (System.nanoTime() < end) {
                            String body = body(sequence.incrementAndGet());
                            recorder.sendOne(http, body, System.nanoTime());
                        }
                    }
                    return recorder.latencies();
                }));
            }
            long[] merged = merge(parts);
            return new Result(merged, answers.others.get(), answers.errors.get(), sink.received.get(),
                    sequence.get(), 0, 0);
        }
    }

    /**
     * A fixed arrival rate, as users arrive (like wrk2): request i is due at {@code start + i / rate} whatever the
     * answers before it did, and its latency is measured from that intended start, so time spent queued behind a
     * slow answer counts (no coordinated omission). Each connection thread takes the next due request, waits for
     * its time, sends and reads the answer; with enough connections (rate x a generous latency) one is always free
     * when a request is due, and "generator lag" reports the requests that did leave late (their latency still counts
     * from the intended start, so lag makes the figures worse, never better).
     */
    private static final class OpenLoop implements Load {
        final double rate;
        final int connections;

        OpenLoop(double rate, int connections) {
            this.rate = rate;
            this.connections = connections;
        }

        /** Enough for answers of up to half a second at this rate, at least 64. */
        static int connectionsFor(double rate) {
            return (int) Math.max(64, Math.min(2048, Math.ceil(rate * 0.5)));
        }

        @Override
        public String describe() {
            return String.format("open loop at %,.0f requests/s (latency from the intended start) on %d connections",
                    rate, connections);
        }

        @Override
        public Result run(int port, int seconds, CountingSmtpSink sink) throws Exception {
            long intervalNanos = (long) (1e9 / rate);
            long total = (long) Math.floor(seconds * rate);
            AtomicLong next = new AtomicLong();
            Answers answers = new Answers();
            AtomicLong late = new AtomicLong();
            AtomicLong maxLag = new AtomicLong();
            ExecutorService pool = clients(connections);
            // a little ahead, so every connection thread is parked on its first slot before the first is due
            long start = System.nanoTime() + 50_000_000L;
            List<Future<long[]>> parts = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                parts.add(pool.submit(() -> {
                    Recorder recorder = new Recorder(answers);
                    try (KeepAliveHttp http = new KeepAliveHttp(port, "POST", "/api/v1/send", HEADERS)) {
                        long i;
                        while ((i = next.getAndIncrement()) < total) {
                            long intended = start + i * intervalNanos;
                            long wait;
                            while ((wait = intended - System.nanoTime()) > 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                            }
                            long lag = -wait;
                            if (lag > 1_000_000L) {
                                late.incrementAndGet();
                                maxLag.accumulateAndGet(lag, Math::max);
                            }
                            recorder.sendOne(http, body((int) i), intended);
                        }
                    }
                    return recorder.latencies();
                }));
            }
            long[] merged = merge(parts);
            return new Result(merged, answers.others.get(), answers.errors.get(), sink.received.get(), total,
                    late.get(), maxLag.get());
        }
    }

    /** What all connections of a run counted besides latencies: answers other than 202, and I/O errors. */
    private static final class Answers {
        final AtomicInteger others = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
    }

    /**
     * One connection thread's record, the same for both loads: {@link #sendOne} sends a request, keeps a 202's
     * latency measured from {@code since} (when it left for the closed loop, its intended start for the open
     * loop), counts any other answer, and counts an I/O error and drops the connection (the next request
     * reconnects).
     */
    private static final class Recorder {
        private final Answers answers;
        private long[] latencies = new long[256];
        private int n;

        Recorder(Answers answers) {
            this.answers = answers;
        }

        void sendOne(KeepAliveHttp http, String body, long since) {
            int status;
            try {
                status = http.send(body);
            } catch (java.io.IOException e) {
                answers.errors.incrementAndGet();
                http.close();
                return;
            }
            if (status != 202) {
                answers.others.incrementAndGet();
                return;
            }
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = System.nanoTime() - since;
        }

        long[] latencies() {
            return Arrays.copyOf(latencies, n);
        }
    }

    private static long[] merge(List<Future<long[]>> parts) throws Exception {
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> part : parts) {
            all.add(part.get());
        }
        return all.stream().flatMapToLong(Arrays::stream).toArray();
    }

    private static ExecutorService clients;

    /**
     * One pool for warm-up and measurement: its threads live on, so the CPU accounting can still see them (grown,
     * never shrunk, to the largest number asked for).
     */
    private static synchronized ExecutorService clients(int threads) {
        if (clients == null) {
            AtomicInteger number = new AtomicInteger();
            clients = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "load-" + number.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        java.util.concurrent.ThreadPoolExecutor pool = (java.util.concurrent.ThreadPoolExecutor) clients;
        if (pool.getMaximumPoolSize() < threads) {
            pool.setMaximumPoolSize(threads);
            pool.setCorePoolSize(threads);
        }
        return clients;
    }

    private static int waitForSink(CountingSmtpSink sink, long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sink.received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return sink.received.get();
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** A developer ready to send: ACTIVE, a large quota, an API key, a NORMAL mailbox (straight to the tables). */
    private static void seed(DataSource ds) throws Exception {
        SecretBox box = SecretBox.fromBase64Key(TestDatabase.TEST_CREDENTIALS_KEY);
        try (Connection c = ds.getConnection()) {
            c.createStatement().execute("""
                    WITH changed AS (UPDATE users SET quota_balance = quota_balance + 100000000 WHERE id = 1
                                     RETURNING id, quota_balance)
                    INSERT INTO user_quota_ledger (user_id, delta, reason, balance_after, note)
                    SELECT id, 100000000, 'ADMIN_ADJUST', quota_balance, 'benchmark' FROM changed""");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_keys (user_id, name, prefix, key_hash) VALUES (1, 'bench', ?, ?)")) {
                ps.setString(1, KEY.substring(0, 16));
                ps.setBytes(2, MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.US_ASCII)));
                ps.executeUpdate();
            }
            long domain;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO sending_domains (owner_id, name, status, verification_token, dkim_selector,
                                                 dkim_public_key, dkim_private_ciphertext)
                    VALUES (1, 'bench.example', 'VERIFIED', 't', 'edm1', 'pk', ?) RETURNING id""")) {
                ps.setBytes(1, box.seal(org.edm.domain.testing.DkimTestKeys.PRIVATE_KEY_BASE64));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    domain = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO sender_mailboxes (owner_id, domain_id, local_part, address, status, smtp_username,
                                                  secret_ciphertext, secret_key_version)
                    VALUES (1, ?, 'service', ?, 'NORMAL', ?, ?, 1)""")) {
                ps.setLong(1, domain);
                ps.setString(2, FROM);
                ps.setString(3, FROM);
                ps.setBytes(4, box.seal("sink-accepts-any-password"));
                ps.executeUpdate();
            }
        }
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String statuses(DataSource ds) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT status, count(*) FROM api_messages GROUP BY status ORDER BY status")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append('=').append(rs.getLong(2)).append(' ');
            }
        }
        return sb.toString().trim();
    }
}
