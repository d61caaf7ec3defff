package org.edm.activities.delivery;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import org.edm.activities.provider.ProviderRegistry;
import org.edm.activities.task.TaskActivitiesImpl;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.Fixtures;
import org.edm.activities.testing.RecordingProviders;
import org.edm.activities.testing.RecordingProviders.Fault;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.edm.workflows.sender.SenderServiceWorkflowImpl;
import org.edm.workflows.task.TaskSendability;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskWorkflow;
import org.edm.workflows.task.TaskWorkflowImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sender pool end to end: the real task and sender-service workflows on a Temporal test server, the real
 * activities on PostgreSQL, SMTP through GreenMail. Spill-over, freezing, quota resets (time skipping, in
 * Asia/Shanghai and in a zone with DST), the F20 pause reasons, and two workers racing over three services.
 */
@ExtendWith(OutputCaptureExtension.class)
class SenderPoolTests {

    private static final String SMTP_USER = "pool-sender";
    private static final String SMTP_PASSWORD = "P00l-s3cret-never-logged";

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(SMTP_USER, SMTP_PASSWORD));

    /** Small batches, so several services share one task's deliveries. */
    private static final DeliveryProperties SMALL_BATCHES = new DeliveryProperties(5, 4, Duration.ofMinutes(30), 2, 8, false);

    private ActivitiesHarness harness;
    private Fixtures f;
    private TestWorkflowEnvironment env;
    private final List<WorkerFactory> extraWorkers = new ArrayList<>();
    private final List<RecordingProviders> providers = new ArrayList<>();
    private final List<ProviderRegistry> extraRegistries = new ArrayList<>();
    private long owner;
    private long campaign;
    private long templateSet;

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness(SMALL_BATCHES);
        f = harness.fixtures;
        owner = f.user("pool-operator");
        campaign = f.campaign(owner, "Pool");
        templateSet = f.templateSet(owner, f.template(owner, "Hi {{nickname}}", "<p>Dear {{nickname}}</p>"));
    }

    @AfterEach
    void tearDown() {
        extraWorkers.forEach(WorkerFactory::shutdownNow);
        if (env != null) {
            env.close();
        }
        extraRegistries.forEach(ProviderRegistry::close);
        harness.close();
    }

    /**
     * Starts Temporal with {@code workers} workers on the production queue, each with its own activity instances and
     * provider registry (as separate worker processes would have); {@code faults} decides each provider call.
     */
    private void startTemporal(boolean timeSkipping, Instant start, int workers,
                               java.util.function.Function<Integer, Fault> faults) {
        TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder().setUseTimeskipping(timeSkipping);
        if (start != null) {
            options.setInitialTime(start);
        }
        env = TestWorkflowEnvironment.newInstance(options.build());
        EdmSearchAttributes.ALL.forEach(key -> env.registerSearchAttribute(key.getName(), key.getValueType()));
        Clock clock = new EnvClock(env);
        for (int i = 0; i < workers; i++) {
            ProviderRegistry registry = i == 0 ? harness.providerRegistry
                    : new ProviderRegistry(harness.secrets, SMALL_BATCHES);
            if (i > 0) {
                extraRegistries.add(registry);
            }
            RecordingProviders recording = new RecordingProviders(registry, faults);
            providers.add(recording);
            TaskActivitiesImpl tasks = harness.taskActivities(env.getWorkflowClient());
            tasks.useSendabilityCheck(new TaskSendabilityCheck(harness.jdbc, harness.tx,
                    new DeliveryClaims(harness.jdbc, harness.tx), recording, clock));
            DeliveryActivitiesImpl deliveries = harness.deliveryActivities(clock, p -> recording);
            // No eager activities: a batch goes to whichever worker polls first, as between separate processes. Two
            // batches at a time per worker, so three services sending at once need both workers.
            WorkerOptions workerOptions = WorkerOptions.newBuilder().setDisableEagerExecution(true)
                    .setMaxConcurrentActivityExecutionSize(2).build();
            Worker worker;
            if (i == 0) {
                worker = env.newWorker(TaskQueues.EDM, workerOptions);
            } else {
                WorkerFactory factory = WorkerFactory.newInstance(env.getWorkflowClient());
                extraWorkers.add(factory);
                worker = factory.newWorker(TaskQueues.EDM, workerOptions);
            }
            worker.registerWorkflowImplementationTypes(TaskWorkflowImpl.class, SenderServiceWorkflowImpl.class);
            worker.registerActivitiesImplementations(tasks, deliveries);
        }
        env.start();
        extraWorkers.forEach(WorkerFactory::start);
    }

    /** Activities read the test server's clock, so quota days follow skipped time. */
    private static final class EnvClock extends Clock {
        private final TestWorkflowEnvironment env;

        EnvClock(TestWorkflowEnvironment env) {
            this.env = env;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(env.currentTimeMillis());
        }
    }

    private long service(String domain, int dailyQuota, double throttleSeconds) {
        long id = f.smtpService(domain, smtp.getSmtp().getPort(), dailyQuota, throttleSeconds, SMTP_USER,
                SMTP_PASSWORD);
        return id;
    }

    private long taskFor(long user, long campaignId, long set, int contacts) {
        f.contacts(user, "p" + System.nanoTime(), contacts);
        return f.task(campaignId, user, "{}", set);
    }

    private TaskWorkflow startTask(long taskId, long campaignId) {
        TaskWorkflow workflow = env.getWorkflowClient().newWorkflowStub(TaskWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.task(taskId)).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(workflow::run, new TaskInput(taskId, campaignId));
        return workflow;
    }

    private Map<Long, Long> sentPerService() {
        Map<Long, Long> sent = new TreeMap<>();
        f.jdbc().query("SELECT sender_service_id, count(*) FROM deliveries WHERE status = 'SENT' "
                + "GROUP BY sender_service_id", rs -> {
            sent.put(rs.getLong(1), rs.getLong(2));
        });
        return sent;
    }

    private long sentOf(long taskId) {
        return f.deliveryStatuses(taskId).getOrDefault("SENT", 0L);
    }

    private String pauseReason(long taskId) {
        return f.jdbc().queryForObject("SELECT pause_reason FROM tasks WHERE id = ?", String.class, taskId);
    }

    private void awaitTaskStatus(long taskId, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(f.taskStatus(taskId)));
    }

    @Test
    void whenOneServiceRunsOutOfQuotaTheOthersCarryTheTaskOn() throws Exception {
        startTemporal(true, null, 1, n -> Fault.NONE);
        long small = service("small.example", 3, 0);
        long large = service("large.example", 1_000, 0);
        f.grant(owner, small);
        f.grant(owner, large);
        long task = taskFor(owner, campaign, templateSet, 40);

        startTask(task, campaign);
        // Waited for in real time, not through the workflow's result: the test server skips time only while the test
        // blocks on a result or a sleep, and then the small service, waiting for its quota reset, woke on the next
        // day and rolled its counter over to 0 (seen once under load: used_today 0 where 3 were sent).
        awaitTaskStatus(task, "FINISHED");

        assertThat(f.deliveryStatuses(task)).containsExactly(Map.entry("SENT", 40L));
        // How the 40 split between the services is a race (under load the large one may claim them all before the
        // small one starts); what is guaranteed: the small one never goes past its quota, its counter matches what
        // it sent, and the large one carries everything else.
        Map<Long, Long> sent = sentPerService();
        long bySmall = sent.getOrDefault(small, 0L);
        assertThat(bySmall).as("the small service never sends more than its quota").isBetween(0L, 3L);
        assertThat(sent.getOrDefault(large, 0L)).as("the large service carries the rest").isEqualTo(40 - bySmall);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Long.class,
                small)).as("the small service's quota counter is what it sent").isEqualTo(bySmall);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Long.class,
                large)).isEqualTo(40 - bySmall);
    }

    @Test
    void aFailingServiceFreezesStaysFrozenAndSendsAgainOnlyAfterAManualUnfreeze(CapturedOutput output) {
        // the first batch (5 sends) is refused: with failure_threshold 3 the service freezes
        startTemporal(true, null, 1, n -> n <= 5 ? Fault.REJECTED : Fault.NONE);
        long service = service("frozen.example", 1_000, 0);
        f.jdbc().update("UPDATE sender_services SET failure_threshold = 3 WHERE id = ?", service);
        f.grant(owner, service);
        long task = taskFor(owner, campaign, templateSet, 12);

        startTask(task, campaign);
        env.sleep(Duration.ofMinutes(2));
        awaitTaskStatus(task, "PAUSED");
        assertThat(f.jdbc().queryForObject("SELECT health_status FROM sender_services WHERE id = ?", String.class,
                service)).isEqualTo("FROZEN");
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM alerts WHERE kind = 'SENDER_SERVICE_FROZEN' "
                + "AND subject = ?", Integer.class, "sender-service-" + service)).isEqualTo(1);
        assertThat(pauseReason(task)).isEqualTo(TaskSendability.NO_USABLE_SERVICE);
        assertThat(f.deliveryStatuses(task)).containsEntry("FAILED", 5L).containsEntry("PENDING", 7L);

        // a day goes by: a frozen service never thaws by itself, and the task stays paused
        env.sleep(Duration.ofDays(1));
        assertThat(f.jdbc().queryForObject("SELECT health_status FROM sender_services WHERE id = ?", String.class,
                service)).isEqualTo("FROZEN");
        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(sentOf(task)).isZero();

        // an admin unfreezes it (what POST /v1/admin/sender-services/{id}/unfreeze does)
        f.jdbc().update("""
                UPDATE sender_services SET health_status = 'ACTIVE', frozen_reason = NULL, frozen_at = NULL,
                       consecutive_failures = 0, failure_streak_started_at = NULL WHERE id = ?
                """, service);
        env.getWorkflowClient().newWorkflowStub(SenderServiceWorkflow.class, WorkflowIds.senderService(service))
                .configurationChanged();
        // the service still holds the task's demand: it finds the task paused, says so, and the task resumes
        env.sleep(Duration.ofMinutes(1));
        awaitTaskStatus(task, "FINISHED");
        assertThat(f.deliveryStatuses(task)).containsEntry("SENT", 7L).containsEntry("FAILED", 5L);
        List<String> log = f.jdbc().queryForList("SELECT to_status || ' ' || coalesce(reason, '') "
                + "FROM task_execution_log WHERE task_id = ? ORDER BY id", String.class, task);
        assertThat(log).contains("PAUSED " + TaskSendability.NO_USABLE_SERVICE,
                "SENDING a sender service can send again");
        assertThat(output.getAll()).doesNotContain(SMTP_PASSWORD);
    }

    @Test
    void quotaResetsAtTheServicesTimeInAsiaShanghaiAndTheTaskResumesByItself() {
        // 04:00 in Shanghai; the service's quota day starts at 08:00 Shanghai = 00:00 UTC
        Instant start = Instant.parse("2026-03-09T20:00:00Z");
        startTemporal(true, start, 1, n -> Fault.NONE);
        long service = service("sh.example", 3, 0);
        f.jdbc().update("UPDATE sender_services SET reset_time = '08:00', time_zone = 'Asia/Shanghai' WHERE id = ?",
                service);
        f.grant(owner, service);
        long task = taskFor(owner, campaign, templateSet, 5);

        startTask(task, campaign);
        env.sleep(Duration.ofMinutes(2));
        awaitTaskStatus(task, "PAUSED");
        assertThat(sentOf(task)).isEqualTo(3);
        assertThat(pauseReason(task)).isEqualTo(TaskSendability.QUOTA_USED_UP);

        env.sleep(Duration.between(start.plus(Duration.ofMinutes(2)), Instant.parse("2026-03-09T23:59:00Z")));
        assertThat(sentOf(task)).as("nothing before 08:00 Shanghai").isEqualTo(3);
        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");

        env.sleep(Duration.ofMinutes(2));
        awaitTaskStatus(task, "FINISHED");
        assertThat(sentOf(task)).isEqualTo(5);
        assertThat(f.jdbc().queryForMap("SELECT used_today, quota_day::text AS day FROM sender_services WHERE id = ?",
                service)).containsEntry("used_today", 2).containsEntry("day", "2026-03-10");
    }

    @Test
    void quotaResetsAtTheServicesTimeAcrossADaylightSavingGap() {
        // New York, reset 02:30: on 2026-03-08 the clock jumps from 02:00 to 03:00, so the day starts at 07:00 UTC
        Instant start = Instant.parse("2026-03-07T12:00:00Z");
        startTemporal(true, start, 1, n -> Fault.NONE);
        long service = service("ny.example", 3, 0);
        f.jdbc().update("UPDATE sender_services SET reset_time = '02:30', time_zone = 'America/New_York' "
                + "WHERE id = ?", service);
        f.grant(owner, service);
        long task = taskFor(owner, campaign, templateSet, 5);

        startTask(task, campaign);
        env.sleep(Duration.ofMinutes(2));
        awaitTaskStatus(task, "PAUSED");
        assertThat(sentOf(task)).isEqualTo(3);

        env.sleep(Duration.between(start.plus(Duration.ofMinutes(2)), Instant.parse("2026-03-08T06:59:00Z")));
        assertThat(sentOf(task)).as("nothing before the clock jumps over 02:30").isEqualTo(3);

        env.sleep(Duration.ofMinutes(2));
        awaitTaskStatus(task, "FINISHED");
        assertThat(sentOf(task)).isEqualTo(5);
        assertThat(f.jdbc().queryForObject("SELECT quota_day::text FROM sender_services WHERE id = ?", String.class,
                service)).isEqualTo("2026-03-08");
    }

    @Test
    void aUserWithoutAnyUsableServiceHasTheTaskPausedWithTheSeedsReason() {
        startTemporal(true, null, 1, n -> Fault.NONE);
        long disabled = service("off.example", 100, 0);
        f.jdbc().update("UPDATE sender_services SET enabled = FALSE WHERE id = ?", disabled);
        f.grant(owner, disabled);
        long task = taskFor(owner, campaign, templateSet, 3);

        startTask(task, campaign);
        env.sleep(Duration.ofMinutes(1));
        awaitTaskStatus(task, "PAUSED");
        assertThat(pauseReason(task)).isEqualTo("当前没有可用发信服务");

        // an operator's pause is never lifted by the system
        f.jdbc().update("UPDATE tasks SET pause_reason = 'paused by operator' WHERE id = ?", task);
        f.jdbc().update("UPDATE sender_services SET enabled = TRUE WHERE id = ?", disabled);
        env.sleep(Duration.ofMinutes(30));
        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(pauseReason(task)).isEqualTo("paused by operator");
        assertThat(sentOf(task)).isZero();
    }

    @Test
    void aServiceThatIsOnlyCoolingKeepsTheTaskSending() {
        startTemporal(true, null, 1, n -> Fault.NONE);
        long slow = service("slow.example", 1_000, 0.4);
        f.grant(owner, slow);
        long task = taskFor(owner, campaign, templateSet, 6);

        startTask(task, campaign);
        List<String> statuses = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            statuses.add(f.taskStatus(task));
            return sentOf(task) == 6;
        });
        assertThat(statuses).doesNotContain("PAUSED");
    }

    private long apiService(String provider, String domain, String settingsJson, String secretJson) {
        return f.jdbc().queryForObject("""
                INSERT INTO sender_services (name, provider, domain, settings, secret_ciphertext, secret_key_version,
                                             daily_quota, throttle_seconds, failure_threshold)
                VALUES (?, ?, ?, ?::jsonb, ?, 1, 1000, 0, 3) RETURNING id
                """, Long.class, provider + " " + domain, provider, domain, settingsJson,
                harness.secrets.seal(secretJson));
    }

    /**
     * The HTTP providers behind the same pool: EngageLab refusing the credentials fails the deliveries and freezes
     * the service (the task then pauses for want of a service); Aliyun refusing one recipient fails that delivery
     * alone. Neither secret appears in any log line.
     */
    @Test
    void httpProvidersAreClassifiedThroughThePoolAndTheirSecretsNeverLogged(CapturedOutput output) throws Exception {
        String apiKey = "el-api-key-never-logged";
        String accessKeySecret = "aliyun-secret-never-logged";
        try (org.edm.activities.provider.FakeHttpApi engagelab = new org.edm.activities.provider.FakeHttpApi();
             org.edm.activities.provider.FakeHttpApi aliyun = new org.edm.activities.provider.FakeHttpApi()) {
            engagelab.answer(r -> org.edm.activities.provider.FakeHttpApi.Reply.json(401,
                    "{\"code\":30001,\"message\":\"authentication failed\"}"));
            aliyun.answer(r -> r.query().getOrDefault("ToAddress", "").startsWith("bad")
                    ? org.edm.activities.provider.FakeHttpApi.Reply.json(400,
                    "{\"RequestId\":\"r\",\"Code\":\"InvalidToAddress\",\"Message\":\"invalid\"}")
                    : org.edm.activities.provider.FakeHttpApi.Reply.json(200,
                    "{\"RequestId\":\"r\",\"EnvId\":\"env-1\"}"));
            startTemporal(true, null, 1, n -> Fault.NONE);

            long elService = apiService("ENGAGELAB", "el.example.com", "{\"api_user\":\"edm\",\"endpoint\":"
                    + "\"http://127.0.0.1:" + engagelab.port() + "\"}", "{\"api_key\":\"" + apiKey + "\"}");
            f.grant(owner, elService);
            long elTask = taskFor(owner, campaign, templateSet, 8);
            startTask(elTask, campaign);
            env.sleep(Duration.ofMinutes(2));
            awaitTaskStatus(elTask, "PAUSED");
            assertThat(f.jdbc().queryForObject("SELECT health_status FROM sender_services WHERE id = ?",
                    String.class, elService)).isEqualTo("FROZEN");
            // the first batch of 5 fails and freezes the service; 3 deliveries wait for a usable service
            assertThat(f.deliveryStatuses(elTask)).containsEntry("FAILED", 5L).containsEntry("PENDING", 3L);
            assertThat(pauseReason(elTask)).isEqualTo(TaskSendability.NO_USABLE_SERVICE);
            assertThat(engagelab.requests().get(0).header("Authorization")).isEqualTo("Basic "
                    + java.util.Base64.getEncoder().encodeToString(("edm:" + apiKey).getBytes()));

            long other = f.user("aliyun-operator");
            long otherCampaign = f.campaign(other, "Aliyun");
            long otherSet = f.templateSet(other, f.template(other, "Hi", "<p>Hi {{nickname}}</p>"));
            long dmService = apiService("ALIYUN_DM", "dm.example.com", "{\"access_key_id\":\"LTAI-x\","
                    + "\"endpoint\":\"127.0.0.1:" + aliyun.port() + "\"}",
                    "{\"access_key_secret\":\"" + accessKeySecret + "\"}");
            f.grant(other, dmService);
            f.contact(other, "bad-1@example.test", "Bad");
            f.contacts(other, "good", 4);
            long dmTask = f.task(otherCampaign, other, "{}", otherSet);
            startTask(dmTask, otherCampaign);
            awaitTaskStatus(dmTask, "FINISHED");
            assertThat(f.deliveryStatuses(dmTask)).containsEntry("SENT", 4L).containsEntry("FAILED", 1L);
            assertThat(f.jdbc().queryForMap("SELECT health_status, consecutive_failures FROM sender_services "
                    + "WHERE id = ?", dmService)).containsEntry("health_status", "ACTIVE")
                    .containsEntry("consecutive_failures", 0);
            assertThat(aliyun.requests()).hasSize(5)
                    .allSatisfy(r -> assertThat(r.query()).containsEntry("Action", "SingleSendMail"));
        }
        assertThat(output.getAll()).doesNotContain(apiKey).doesNotContain(accessKeySecret)
                .doesNotContain(SMTP_PASSWORD);
    }

    /**
     * INV-1 and INV-2 under concurrency: 20 tasks of 5 users over 3 throttled services with small quotas, served by
     * two workers (batches of 5, so batches go to both workers and users take turns). Each service sends exactly its quota (demand is larger), never more, and two sends through one
     * service are never closer than its throttle.
     */
    @Test
    void twoWorkersTwentyTasksFiveUsersThreeServicesKeepQuotaAndThrottle() {
        startTemporal(false, null, 2, n -> Fault.NONE);
        double throttleSeconds = 0.05;
        Map<Long, Integer> quotas = new HashMap<>();
        List<Long> services = new ArrayList<>();
        for (int quota : new int[]{12, 15, 18}) {
            long s = service("pool" + quota + ".example", quota, throttleSeconds);
            services.add(s);
            quotas.put(s, quota);
        }
        List<Long> tasks = new ArrayList<>();
        for (int u = 1; u <= 5; u++) {
            long user = f.user("pool-user-" + u);
            services.forEach(s -> f.grant(user, s));
            long userCampaign = f.campaign(user, "Pool " + u);
            long set = f.templateSet(user, f.template(user, "Hi {{nickname}}", "<p>Dear {{nickname}}</p>"));
            for (int t = 0; t < 4; t++) {
                tasks.add(taskFor(user, userCampaign, set, 3));
                startTask(tasks.get(tasks.size() - 1), userCampaign);
            }
        }
        // every task addresses all of its user's contacts so far: at least 3 each, 60 in all, far above the quota
        int totalQuota = quotas.values().stream().mapToInt(Integer::intValue).sum();
        int expected = totalQuota;

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> sentPerService().values().stream().mapToLong(Long::longValue).sum() >= expected);
        // nothing more goes out once every quota is used
        sleep(Duration.ofSeconds(2));
        int demand = f.jdbc().queryForObject("SELECT count(*) FROM deliveries", Integer.class);
        assertThat(demand).isGreaterThan(totalQuota);

        Map<Long, Long> sent = sentPerService();
        for (long s : services) {
            assertThat(sent.get(s)).as("service %d sends min(quota, demand)", s)
                    .isEqualTo((long) Math.min(quotas.get(s), demand));
            assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                    s)).isLessThanOrEqualTo(quotas.get(s));
        }
        assertThat(smtp.getReceivedMessages()).hasSize(expected);

        // INV-2: per service, from the end of one send to the start of the next, across both workers
        Map<Long, Long> serviceOfDelivery = new HashMap<>();
        f.jdbc().query("SELECT id, sender_service_id FROM deliveries WHERE sender_service_id IS NOT NULL",
                rs -> {
                    serviceOfDelivery.put(rs.getLong(1), rs.getLong(2));
                });
        Map<Long, List<RecordingProviders.Call>> callsByService = providers.stream()
                .flatMap(p -> List.copyOf(p.record).stream())
                .collect(Collectors.groupingBy(c -> serviceOfDelivery.get(c.mail().deliveryId())));
        long throttleNanos = TimeUnit.MILLISECONDS.toNanos((long) (throttleSeconds * 1000));
        long closest = Long.MAX_VALUE;
        for (List<RecordingProviders.Call> calls : callsByService.values()) {
            List<RecordingProviders.Call> ordered = calls.stream()
                    .sorted(Comparator.comparingLong(RecordingProviders.Call::startNanos)).toList();
            for (int i = 1; i < ordered.size(); i++) {
                long gap = ordered.get(i).startNanos() - ordered.get(i - 1).endNanos();
                closest = Math.min(closest, gap);
                assertThat(gap).as("gap between sends through one service").isGreaterThanOrEqualTo(throttleNanos);
            }
        }
        Map<Long, Long> sentByOwner = new TreeMap<>();
        f.jdbc().query("SELECT t.owner_id, count(*) FROM deliveries d JOIN tasks t ON t.id = d.task_id "
                + "WHERE d.status = 'SENT' GROUP BY t.owner_id", rs -> {
            sentByOwner.put(rs.getLong(1), rs.getLong(2));
        });
        System.out.printf("pool concurrency: demand %d, quotas %s, sent per service %s, sent per user %s, "
                        + "closest gap %.1f ms (throttle %.0f ms), provider calls per worker %s%n", demand, quotas,
                sent, sentByOwner, closest / 1e6, throttleSeconds * 1000,
                providers.stream().map(RecordingProviders::calls).toList());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
