package org.edm.activities.task;

import org.edm.activities.delivery.DeliveryClaims;
import org.edm.activities.delivery.TaskSendabilityCheck;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.BatchDriver;
import org.edm.activities.testing.Fixtures;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.PauseReason;
import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.TaskStatus;
import org.edm.workflows.task.TaskSendability;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceWorkflow;

import org.edm.workflows.task.TaskAudience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 5 on a real PostgreSQL: a task holds its planned audience until it starts, then exactly its PENDING
 * deliveries while it sends; pause, resume and cancel move exactly the unsent amount, and a send (failed or not)
 * moves nothing.
 */
class TaskQuotaTests {

    private static BatchDriver temporal;

    private ActivitiesHarness harness;
    private Fixtures f;
    private TaskActivitiesImpl activities;
    private TaskQuota quota;
    private DeliveryClaims claims;
    private long owner;
    private long templateSet;
    private long campaign;

    @BeforeAll
    static void startTemporal() {
        temporal = new BatchDriver(TaskActivitiesTests.RecordingSenderService.class);
    }

    @AfterAll
    static void stopTemporal() {
        temporal.close();
    }

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness();
        f = harness.fixtures;
        activities = harness.taskActivities(temporal.client());
        quota = new TaskQuota(harness.jdbc);
        claims = new DeliveryClaims(harness.jdbc, harness.tx);
        owner = f.user("operator", 100);
        templateSet = f.templateSet(owner, f.template(owner, "Hi", "<p>Hello</p>"));
        campaign = f.campaign(owner, "spring sale");
    }

    @AfterEach
    void tearDown() {
        assertBalanceIsTheSumOfTheLedger();
        harness.close();
    }

    @Test
    void theSystemPauseReasonsAreTheWorkflowsOwn() {
        assertThat(PauseReason.holdingQuotaTexts())
                .containsExactlyInAnyOrder(TaskSendability.NO_USABLE_SERVICE, TaskSendability.QUOTA_USED_UP);
        assertThat(PauseReason.NO_USABLE_SERVICE.text()).isEqualTo(TaskSendability.NO_USABLE_SERVICE);
        assertThat(PauseReason.QUOTA_USED_UP.text()).isEqualTo(TaskSendability.QUOTA_USED_UP);
        assertThat(PauseReason.NO_USER_QUOTA.text()).isEqualTo(TaskSendability.NO_USER_QUOTA);
        for (String status : List.of(TaskSendability.SENDING, TaskSendability.PAUSED, TaskSendability.FINISHED,
                TaskSendability.CANCELLED)) {
            assertThat(TaskStatus.valueOf(status).name()).isEqualTo(status);
        }
    }

    @Test
    void theReservationBecomesTheActualAudienceAtTheStart() {
        f.contacts(owner, "c", 5);
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        assertThat(f.quotaBalance(owner)).isEqualTo(95);
        f.contacts(owner, "late", 2);

        activities.materializeDeliveries(task);
        activities.materializeDeliveries(task);

        assertThat(f.quotaBalance(owner)).isEqualTo(93);
        assertThat(reserved(task)).as("from now on the task holds its PENDING deliveries").isZero();
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -5 task:" + task,
                "TASK_RECONCILE -2 task:" + task);
    }

    /**
     * The audience is inserted contact-id range by range, in parallel, each range in its own transaction. Contacts in
     * ranges far apart (ids 1.. and past 3 × 65,536: several ranges whatever their size), with suppressed, excluded
     * and labelled ones in both: the PENDING deliveries are exactly the planned audience the reservation counted
     * (with the rule's labels), every contact once, and the reservation turns into them without a correction.
     */
    @Test
    void anAudienceSpanningSeveralContactIdRangesIsExactlyThePlannedOneOnce() {
        f.contacts(owner, "low", 20);
        f.jdbc().queryForObject("SELECT setval('contacts_id_seq', 3 * 65536 + 10)", Long.class);
        f.contacts(owner, "high", 20);
        f.suppress(owner, "low-3@example.test");
        f.suppress(owner, "high-4@example.test");
        f.jdbc().update("UPDATE contacts SET tags = ARRAY['staff'] WHERE email IN ('low-5@example.test', "
                + "'high-6@example.test')");
        String rule = "{\"exclude_tags\": [\"staff\"]}";
        long task = f.task(campaign, owner, rule, templateSet);
        reserve(task);
        long planned = quota.plannedAudience(owner, campaign, rule);
        assertThat(planned).isEqualTo(36);

        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(audience.pending()).isEqualTo(planned);
        assertThat(audience.audienceSize()).isEqualTo(38);
        assertThat(f.jdbc().queryForList("""
                SELECT c.email FROM deliveries d JOIN contacts c ON c.id = d.contact_id
                 WHERE d.task_id = ? AND d.status = 'SKIPPED' ORDER BY c.email""", String.class, task))
                .containsExactly("high-4@example.test", "low-3@example.test");
        assertThat(f.jdbc().queryForObject("SELECT count(DISTINCT contact_id) FROM deliveries WHERE task_id = ?",
                Integer.class, task)).isEqualTo(38);
        assertThat(f.jdbc().queryForObject("SELECT min(contact_id) > 3 * 65536 FROM deliveries "
                + "WHERE task_id = ? AND contact_id > 100", Boolean.class, task)).isTrue();
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -36 task:" + task);
        assertThat(reserved(task)).isZero();
    }

    /**
     * A crash while the ranges are being inserted (here: the second range fails) leaves the task SENDING with part of
     * its audience and no audience_size; nothing can be sent yet (no demand went out). The retry inserts only what is
     * missing, each contact once, and charges the quota once.
     */
    @Test
    void aRetryAfterACrashMidAudienceAddsOnlyTheMissingRangesAndChargesOnce() {
        long task = stoppedMidAudience();
        assertThat(f.taskStatus(task)).isEqualTo("SENDING");
        assertThat(f.jdbc().queryForObject("SELECT audience_size FROM tasks WHERE id = ?", Integer.class, task))
                .isNull();
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ?", Integer.class,
                task)).isEqualTo(10);
        List<String> firstTokens = f.jdbc().queryForList(
                "SELECT token FROM deliveries WHERE task_id = ? ORDER BY contact_id", String.class, task);

        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(audience.audienceSize()).isEqualTo(20);
        assertThat(audience.pending()).isEqualTo(20);
        assertThat(f.jdbc().queryForObject("SELECT count(DISTINCT contact_id) FROM deliveries WHERE task_id = ?",
                Integer.class, task)).isEqualTo(20);
        assertThat(f.jdbc().queryForList("SELECT token FROM deliveries WHERE task_id = ? ORDER BY contact_id "
                + "LIMIT 10", String.class, task)).as("the committed range is kept as it was").isEqualTo(firstTokens);
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -20 task:" + task);
        activities.materializeDeliveries(task);
        assertThat(ledger()).hasSize(2);
        assertThat(f.quotaBalance(owner)).isEqualTo(80);
    }

    /**
     * A task whose audience is still being inserted (here: stopped mid-way, as a crash leaves it) holds its
     * reservation. Paused then, it refunds nothing per delivery; its audience is still inserted whole; once it is in,
     * the reservation goes back whole, and the resume charges the PENDING deliveries: charged once, and no
     * reservation left open (before, the pause refunded the 10 PENDING deliveries, the retry stopped at them for
     * good, and the 20 reserved stayed reserved, so a later cancel gave 30 back).
     */
    @Test
    void aTaskPausedWhileItsAudienceIsInsertedKeepsItsReservationUntilTheAudienceIsIn() {
        long task = stoppedMidAudience();
        assertThat(f.quotaBalance(owner)).isEqualTo(80);

        activities.pauseTask(task, "paused by operator");
        assertThat(f.quotaBalance(owner)).as("the reservation still covers the audience").isEqualTo(80);
        assertThat(reserved(task)).isEqualTo(20);

        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        TaskAudience audience = activities.materializeDeliveries(task);
        assertThat(audience.audienceSize()).as("a pause does not cut the audience short").isEqualTo(20);
        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(reserved(task)).isZero();
        assertThat(f.quotaBalance(owner)).as("paused: it holds nothing once its audience is in").isEqualTo(100);

        assertThat(activities.resumeTask(task, "resumed by operator")).isTrue();
        assertThat(f.quotaBalance(owner)).as("its 20 PENDING deliveries, once").isEqualTo(80);
        activities.cancelTask(task, "cancelled by operator");
        assertThat(f.quotaBalance(owner)).as("everything back, nothing more").isEqualTo(100);
    }

    /** Paused and resumed while its audience is inserted: nothing moves until the start reconciles, once. */
    @Test
    void aPauseAndResumeWhileTheAudienceIsInsertedMoveNothingAndTheStartChargesOnce() {
        long task = stoppedMidAudience();

        activities.pauseTask(task, "paused by operator");
        assertThat(activities.resumeTask(task, "resumed by operator")).isTrue();
        assertThat(f.quotaBalance(owner)).isEqualTo(80);

        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        assertThat(activities.materializeDeliveries(task).pending()).isEqualTo(20);
        assertThat(f.quotaBalance(owner)).isEqualTo(80);
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -20 task:" + task);
    }

    /** Cancelled while its audience is inserted: the reservation comes back once (before: it and the PENDING ones). */
    @Test
    void aTaskCancelledWhileItsAudienceIsInsertedGivesItsReservationBackOnce() {
        long task = stoppedMidAudience();

        assertThat(activities.cancelTask(task, "cancelled by operator")).isEqualTo(10);
        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        activities.materializeDeliveries(task);

        assertThat(f.quotaBalance(owner)).isEqualTo(100);
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -20 task:" + task,
                "CANCEL_REFUND +20 task:" + task);
    }

    // --- issue 12: the send path claims the ranges that are in while the others are inserted -------------------------

    /**
     * The actual audience is larger than the planned one (contacts added after the activation) and the owner can pay
     * the extra: before the audience is in, claims take no more than the reservation (20 of the 28 PENDING ones in);
     * once it is in, the extra is charged once and the rest is claimed as usual.
     */
    @Test
    void claimsBeforeTheAudienceIsInSpendOnlyTheReservationAndTheLargerAudienceIsChargedOnceItIsIn() {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long task = stoppedMidAudience(18);
        assertThat(f.quotaBalance(owner)).isEqualTo(80);

        assertThat(claim(service, task, 25, "early-1")).as("the reservation's 20, not the 28 in").isEqualTo(20);
        assertThat(claim(service, task, 25, "early-2")).isZero();
        assertThat(claims.hasClaimablePending(task)).as("the service takes the task as drained for now").isFalse();
        assertThat(f.quotaBalance(owner)).as("a claim moves nothing").isEqualTo(80);

        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(audience.audienceSize()).isEqualTo(38);
        assertThat(audience.pending()).as("to send, the 20 claimed included").isEqualTo(38);
        assertThat(f.taskStatus(task)).isEqualTo("SENDING");
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -20 task:" + task,
                "TASK_RECONCILE -18 task:" + task);
        assertThat(claims.hasClaimablePending(task)).isTrue();
        assertThat(claim(service, task, 100, "after")).as("every other delivery, once").isEqualTo(18);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'SENDING'",
                Integer.class, task)).isEqualTo(38);
        assertThat(f.quotaBalance(owner)).isEqualTo(62);
    }

    /**
     * Larger than planned and no quota for the extra: the task pauses for want of quota holding exactly what its
     * claims used (the unused reservation comes back), as after an operator pause; quota granted later resumes it and
     * charges its PENDING deliveries.
     */
    @Test
    void withoutQuotaForALargerAudienceTheTaskPausesHoldingExactlyWhatItsEarlyClaimsUsed() {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long task = stoppedMidAudience(5);
        reserveSomewhereElse(80);
        assertThat(f.quotaBalance(owner)).isZero();
        assertThat(claim(service, task, 6, "early")).isEqualTo(6);

        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        activities.materializeDeliveries(task);

        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(pauseReason(task)).isEqualTo("当前没有发信额度");
        assertThat(f.quotaBalance(owner)).as("20 reserved, 6 used").isEqualTo(14);
        assertThat(ledger()).endsWith("PAUSE_REFUND +14 task:" + task);
        assertThat(claim(service, task, 10, "while-paused")).isZero();

        f.grantQuota(owner, 5);
        assertThat(activities.refreshSendability(task).resumed()).as("19 PENDING, 19 quota").isTrue();
        assertThat(f.quotaBalance(owner)).isZero();
        assertThat(ledger()).endsWith("RESUME_RESERVE -19 task:" + task);
    }

    /** Smaller than planned (contacts deleted meanwhile), some claimed early: the difference is refunded once. */
    @Test
    void aSmallerAudienceAfterEarlyClaimsRefundsTheDifferenceOnce() {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long task = stoppedMidAudience();
        assertThat(claim(service, task, 4, "early")).isEqualTo(4);
        f.jdbc().update("DELETE FROM contacts WHERE email IN ('high-1@example.test', 'high-2@example.test', "
                + "'high-3@example.test')");

        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(audience.pending()).isEqualTo(17);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'PENDING'",
                Integer.class, task)).isEqualTo(13);
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -20 task:" + task,
                "TASK_RECONCILE +3 task:" + task);
        assertThat(f.quotaBalance(owner)).isEqualTo(83);
    }

    /** A claim handed back unsent before the audience is in is covered by the reservation again: charged once. */
    @Test
    void aClaimHandedBackBeforeTheAudienceIsInIsNotChargedTwice() {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long task = stoppedMidAudience();
        assertThat(claim(service, task, 4, "early")).isEqualTo(4);
        assertThat(claims.releaseUnattempted("early", service, null)).isEqualTo(4);

        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        assertThat(activities.materializeDeliveries(task).pending()).isEqualTo(20);

        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -20 task:" + task);
        assertThat(claim(service, task, 100, "after")).isEqualTo(20);
    }

    /** Paused while the audience is inserted, after early claims: the unused reservation comes back once it is in. */
    @Test
    void aPauseDuringTheInsertGivesBackOnlyTheUnusedReservation() {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long paused = stoppedMidAudience();
        assertThat(claim(service, paused, 4, "early-p")).isEqualTo(4);
        activities.pauseTask(paused, "paused by operator");
        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        activities.materializeDeliveries(paused);
        assertThat(f.quotaBalance(owner)).as("20 reserved, 4 used").isEqualTo(96);
        assertThat(activities.resumeTask(paused, "resumed by operator")).isTrue();
        assertThat(f.quotaBalance(owner)).as("its 16 PENDING").isEqualTo(80);
        activities.cancelTask(paused, "cancelled by operator");
        assertThat(f.quotaBalance(owner)).isEqualTo(96);
    }

    /**
     * Cancelled while the audience is inserted, after early claims: the unused reservation comes back at once; the
     * claimed deliveries handed back unsent afterwards are refunded too, and every delivery ends CANCELLED.
     */
    @Test
    void aCancelDuringTheInsertGivesBackTheUnusedReservationAndWhatWasHandedBack() {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long cancelled = stoppedMidAudience();
        assertThat(claim(service, cancelled, 3, "early-c")).isEqualTo(3);
        assertThat(activities.cancelTask(cancelled, "cancelled by operator")).isEqualTo(7);
        assertThat(f.quotaBalance(owner)).as("20 reserved, 3 used").isEqualTo(97);
        assertThat(claims.releaseUnattempted("early-c", service, null)).isEqualTo(3);
        f.jdbc().execute("DROP TRIGGER fail_high_range ON deliveries");
        activities.materializeDeliveries(cancelled);
        assertThat(f.quotaBalance(owner)).as("nothing sent, nothing charged").isEqualTo(100);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status NOT IN "
                + "('CANCELLED')", Integer.class, cancelled)).as("every delivery terminal").isZero();
    }

    /**
     * The first mail does not wait for the whole audience: started through startSending, the task's demand reaches
     * its services once the first range is in, before the rest (here the second range fails, as a crash would).
     */
    @Test
    void startSendingPublishesTheDemandOnceTheFirstRangeIsInNotAfterTheWholeAudience() {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        f.grant(owner, service);
        // the recording service outlives a test, and ids start again in each test's database
        SenderServiceWorkflow recorder = temporal.client().newWorkflowStub(SenderServiceWorkflow.class,
                WorkflowIds.senderService(service));
        int before = demands(recorder).size();
        long task = stoppedMidAudience(0, activities::startSending);

        assertThat(f.jdbc().queryForObject("SELECT audience_size FROM tasks WHERE id = ?", Integer.class, task))
                .isNull();
        List<Long> waiting = demands(recorder);
        assertThat(waiting.subList(before, waiting.size())).containsExactly(task);
    }

    /**
     * The demand does not wait for a large range: the first range of a start is one sub-range of contact ids
     * (1,024), so at any audience size the first mail waits for about a thousand rows, not for a range of 8,192 to
     * 65,536 ids (issue 12: at 100,000 contacts the first 16,384-id ranges held the demand back ~0.75 s). Here the
     * rest of the first 8,192 ids is held mid-insert (a lock the test holds): the demand is out all the same, and
     * once the insert goes on the audience is whole.
     */
    @Test
    void theDemandGoesOutAfterTheFirstThousandIdsWhileTheRestOfTheFirstRangeIsStillInserted() throws Exception {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        f.grant(owner, service);
        f.contacts(owner, "first", 10);
        f.jdbc().queryForObject("SELECT setval('contacts_id_seq', ?)", Long.class,
                TaskActivitiesImpl.FIRST_RANGE_IDS + 100);
        f.contacts(owner, "rest", 10);
        assertThat(TaskActivitiesImpl.rangeIds(1, TaskActivitiesImpl.FIRST_RANGE_IDS + 110, 2, 4))
                .as("before issue 12's first range, all 20 were in one range")
                .isEqualTo(TaskActivitiesImpl.MIN_RANGE_IDS);
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        f.jdbc().execute("""
                CREATE FUNCTION hold_rest() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.contact_id >= %d THEN
                        PERFORM pg_advisory_lock_shared(4213);
                        PERFORM pg_advisory_unlock_shared(4213);
                    END IF;
                    RETURN NEW;
                END $$""".formatted(TaskActivitiesImpl.FIRST_RANGE_IDS));
        f.jdbc().execute("CREATE TRIGGER hold_rest BEFORE INSERT ON deliveries FOR EACH ROW "
                + "EXECUTE FUNCTION hold_rest()");
        // the recording service outlives a test, and ids start again in each test's database
        SenderServiceWorkflow recorder = temporal.client().newWorkflowStub(SenderServiceWorkflow.class,
                WorkflowIds.senderService(service));
        List<Long> waiting = demands(recorder);
        int before = waiting.size();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        // a session lock: it stays with the pooled connection until unlocked, whatever happens
        Connection holder = harness.dataSource.getConnection();
        try {
            holder.createStatement().execute("SELECT pg_advisory_lock(4213)");
            Future<TaskAudience> starting = pool.submit(() -> activities.startSending(task));
            long end = System.nanoTime() + 10_000_000_000L;
            while (waiting.size() == before && System.nanoTime() < end) {
                Thread.sleep(50);
                waiting = demands(recorder);
            }
            assertThat(waiting.subList(before, waiting.size()))
                    .as("the demand is out while the rest of the first 8,192 ids is held").containsExactly(task);
            assertThat(starting).isNotDone();
            assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ?", Integer.class,
                    task)).as("the first 1,024 ids are in").isEqualTo(10);
            holder.createStatement().execute("SELECT pg_advisory_unlock(4213)");

            TaskAudience audience = starting.get(30, TimeUnit.SECONDS);
            assertThat(audience.audienceSize()).isEqualTo(20);
            assertThat(audience.pending()).isEqualTo(20);
        } finally {
            holder.createStatement().execute("SELECT pg_advisory_unlock_all()");
            holder.close();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            f.jdbc().execute("DROP TRIGGER hold_rest ON deliveries");
        }
    }

    /** The demands the recording service was signalled so far (none before its workflow starts with the first). */
    private static List<Long> demands(SenderServiceWorkflow recorder) {
        try {
            return recorder.status().waitingTaskIds();
        } catch (RuntimeException notStartedYet) {
            return List.of();
        }
    }

    @Test
    void theFirstRangeIsOneSubRangeAndTheRestWholeAlignedRanges() {
        long sub = TaskActivitiesImpl.SUB_RANGE_IDS;
        long size = TaskActivitiesImpl.MIN_RANGE_IDS;
        assertThat(TaskActivitiesImpl.ranges(1, 20_000, size)).as("the contacts of a 20,000 audience")
                .containsExactly(new long[] {0, sub - 1}, new long[] {sub, size - 1}, new long[] {size, 2 * size - 1},
                        new long[] {2 * size, 3 * size - 1});
        assertThat(TaskActivitiesImpl.ranges(10_000, 10_500, size)).as("a first contact past the first sub-range")
                .containsExactly(new long[] {9 * sub, 10 * sub - 1}, new long[] {10 * sub, 2 * size - 1});
        assertThat(TaskActivitiesImpl.ranges(5, 7, size)).as("a few contacts: one range")
                .containsExactly(new long[] {0, sub - 1});
        assertThat(TaskActivitiesImpl.ranges(1, 1_000_000, TaskActivitiesImpl.MAX_RANGE_IDS)).as("a million")
                .hasSize(17).allSatisfy(range -> assertThat(range[0] % sub).isZero())
                .allSatisfy(range -> assertThat((range[1] + 1) % sub).isZero());
    }

    /**
     * A refresh of a sending task whose service can send moves nothing and waits for no row lock: while the lanes send
     * fast, the claims hold the task's row FOR SHARE one after another, and the refresh's FOR UPDATE waited 10-30 s at
     * a million deliveries. Here a claim's share lock is held throughout: the refresh answers at once. A refresh that
     * moves the task (its only service disabled) takes the lock, so it waits for the claim, then pauses the task.
     */
    @Test
    void aRefreshThatMovesNothingDoesNotWaitForAClaimsShareLockOfTheTask() throws Exception {
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        f.grant(owner, service);
        long task = f.task(campaign, owner, "{}", templateSet);
        f.jdbc().update("UPDATE tasks SET status = 'SENDING' WHERE id = ?", task);
        activities.useSendabilityCheck(new TaskSendabilityCheck(harness.jdbc, harness.tx, claims,
                harness.providerRegistry, Clock.systemUTC()));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection claim = harness.dataSource.getConnection()) {
            claim.setAutoCommit(false);
            claim.createStatement().execute("SELECT id FROM tasks WHERE id = " + task + " FOR SHARE");
            assertThat(pool.submit(() -> activities.refreshSendability(task)).get(5, TimeUnit.SECONDS).status())
                    .isEqualTo("SENDING");

            f.jdbc().update("UPDATE sender_services SET enabled = FALSE WHERE id = ?", service);
            Future<TaskSendability> pausing = pool.submit(() -> activities.refreshSendability(task));
            Thread.sleep(300);
            assertThat(pausing).as("a move waits for the claim").isNotDone();
            claim.rollback();
            assertThat(pausing.get(5, TimeUnit.SECONDS).status()).isEqualTo("PAUSED");
            assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The checks of an audience's ranges (which sub-ranges an earlier attempt committed, what they hold, whether the
     * task has rows outside the ranges) read the task's deliveries by contact id on the (task_id, contact_id) index,
     * whatever the statistics say. A task's rows are new to the statistics while its audience goes in (estimated at
     * one row), and the planner then took deliveries_task_id (task_id, id) and filtered every row of the task on
     * contact id: at a million contacts two thirds of the insert's time (issue 12, {@code bin/bench audience}). The
     * statistics here are as the insert leaves them: another task's rows analysed, this task's rows in since.
     */
    @Test
    void theRangeChecksReadTheTasksDeliveriesByContactIdWhateverTheStatisticsSay() {
        long earlier = f.task(campaign, owner, "{}", templateSet);
        long task = f.task(campaign, owner, "{}", templateSet);
        f.jdbc().execute("ALTER TABLE deliveries SET (autovacuum_enabled = false)");
        String rows = """
                INSERT INTO deliveries (task_id, contact_id, status, token)
                SELECT ?, n, 'PENDING', ? || n FROM generate_series(1, 5000) n
                """;
        f.jdbc().update(rows, earlier, "earlier-");
        f.jdbc().execute("ANALYZE deliveries");
        f.jdbc().update(rows, task, "this-");
        long sub = TaskActivitiesImpl.SUB_RANGE_IDS;
        MapSqlParameterSource params = new MapSqlParameterSource().addValue("taskId", task).addValue("lo", sub)
                .addValue("hi", 2 * sub - 1).addValue("sub", sub).addValue("noClaim", PendingQueue.NO_CLAIM);
        String byTaskAndId = "using deliveries_task_id on";
        String byTaskAndContact = "using deliveries_task_id_contact_id_key on";
        assertThat(explain("""
                SELECT k FROM generate_series(CAST(:lo AS bigint) / :sub, CAST(:hi AS bigint) / :sub) k
                 WHERE EXISTS (SELECT 1 FROM deliveries
                                WHERE task_id = :taskId AND contact_id BETWEEN k * :sub AND k * :sub + :sub - 1)
                """, params)).as("the statement before: these statistics mislead the planner").contains(byTaskAndId);

        for (String statement : List.of(TaskActivitiesImpl.COMMITTED_SUB_RANGES, TaskActivitiesImpl.COMMITTED_ROWS,
                TaskActivitiesImpl.ROWS_OUTSIDE)) {
            assertThat(explain(statement, params)).as(statement).contains(byTaskAndContact)
                    .doesNotContain(byTaskAndId);
        }
        assertThat(harness.jdbc.queryForList(TaskActivitiesImpl.COMMITTED_SUB_RANGES, params, Long.class))
                .containsExactly(1L);
        assertThat(harness.jdbc.queryForObject(TaskActivitiesImpl.ROWS_OUTSIDE, params, Boolean.class)).isTrue();
        assertThat(harness.jdbc.queryForObject(TaskActivitiesImpl.ROWS_OUTSIDE,
                params.addValue("lo", 1).addValue("hi", 5000), Boolean.class)).isFalse();
        f.jdbc().update("UPDATE deliveries SET contact_id = NULL WHERE task_id = ? AND contact_id = 2500", task);
        assertThat(harness.jdbc.queryForObject(TaskActivitiesImpl.ROWS_OUTSIDE, params, Boolean.class))
                .as("an erased contact's delivery").isTrue();
    }

    private String explain(String statement, MapSqlParameterSource params) {
        return String.join("\n", harness.jdbc.queryForList("EXPLAIN " + statement, params, String.class));
    }

    /**
     * Claims run while the ranges are inserted on two connections (their delivery ids interleave, so a claim moves
     * the position past ids of a range not yet committed): each range lowers the position when it commits, and once
     * the audience is in, claiming until nothing is left takes every delivery, once (INV-3, INV-4). Without the
     * position opened at the start, the first claim created it while the other range's statement ran, that statement
     * did not see it to lower it, and its rows stayed PENDING below the position (as the first try of issue 12 left
     * 641 of 20,000 in {@code bin/bench}).
     */
    @Test
    void claimsRacingTheAudienceInsertLeaveNoDeliveryBehind() throws Exception {
        f.grantQuota(owner, 30_000);
        int[] sizes = {500, 12_000, 12_000};
        for (int cluster = 0; cluster < 3; cluster++) {
            // far apart: seven ranges of 65,536 ids, three of them with contacts; the first one small, so it is in
            // while the second is still being inserted
            f.jdbc().queryForObject("SELECT setval('contacts_id_seq', ?)", Long.class, cluster * 3L * 65_536 + 1);
            f.jdbc().update("INSERT INTO contacts (owner_id, email, nickname) SELECT ?, 'c" + cluster
                    + "-' || g || '@example.test', 'C' FROM generate_series(1, ?) g", owner, sizes[cluster]);
        }
        long service = f.smtpService("a.example", 2525, 1_000_000, 0, null, null);
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        AtomicBoolean in = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> racing = pool.submit(() -> {
            // the first claim comes once a range is in, while the other connection is inserting (as a service's does:
            // the demand goes out after the first range)
            while (!in.get() && f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ?",
                    Integer.class, task) == 0) {
                Thread.onSpinWait();
            }
            int claimed = 0;
            for (int i = 0; !in.get(); i++) {
                claimed += claim(service, task, 100, "racer-" + i);
            }
            return claimed;
        });

        activities.materializeDeliveries(task);
        in.set(true);
        int early = racing.get();
        pool.shutdown();
        int after = 0;
        for (int i = 0, n = -1; n != 0; i++) {
            n = claim(service, task, 2_000, "after-" + i);
            after += n;
        }

        assertThat(early + after).isEqualTo(24_500);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'SENDING'",
                Integer.class, task)).isEqualTo(24_500);
        assertThat(f.quotaBalance(owner)).isEqualTo(30_100 - 24_500);
    }

    private int claim(long service, long task, int max, String token) {
        return claims.claim(service, task, max, token, Instant.now(), harness.providerRegistry).sending();
    }

    /**
     * A task of 20 planned contacts, reserved, whose audience insert stopped after the first range (10 PENDING, no
     * audience_size): the trigger {@code fail_high_range} still fails the second range.
     */
    private long stoppedMidAudience() {
        return stoppedMidAudience(0);
    }

    /** The same, with {@code late} contacts added to the first range after the reservation (10 + late PENDING). */
    private long stoppedMidAudience(int late) {
        return stoppedMidAudience(late, activities::materializeDeliveries);
    }

    private long stoppedMidAudience(int late, LongFunction<TaskAudience> start) {
        long firstLow = f.contacts(owner, "low", 10).get(0);
        f.jdbc().queryForObject("SELECT setval('contacts_id_seq', 65536 + 10)", Long.class);
        f.contacts(owner, "high", 10);
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        if (late > 0) {
            // below the failing range's ids, in the range(s) that are in
            f.jdbc().queryForObject("SELECT setval('contacts_id_seq', ?)", Long.class, firstLow + 100);
            f.contacts(owner, "late", late);
        }
        f.jdbc().execute("""
                CREATE FUNCTION fail_high_range() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.contact_id > 65536 THEN RAISE EXCEPTION 'worker lost mid-insert'; END IF;
                    RETURN NEW;
                END $$""");
        f.jdbc().execute("CREATE TRIGGER fail_high_range BEFORE INSERT ON deliveries FOR EACH ROW "
                + "EXECUTE FUNCTION fail_high_range()");
        assertThatThrownBy(() -> start.apply(task)).hasMessageContaining("worker lost");
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = "
                + "'PENDING'", Integer.class, task)).isEqualTo(10 + late);
        return task;
    }

    /**
     * Each attempt sizes its ranges from the owner's contact ids as they are then, so a retry may cut larger ranges
     * than the attempt that crashed (here contacts were added far out in between: 8,192-id ranges first, 65,536
     * after). The retry's first range holds a committed sub-range and a missing one: it inserts the missing one and
     * keeps the committed one as it was, every contact once, charged once.
     */
    @Test
    void aRetryWithLargerRangesStillAddsTheSubRangesTheCrashedAttemptMissed() {
        f.contacts(owner, "a", 10);
        f.jdbc().queryForObject("SELECT setval('contacts_id_seq', 3 * ?)", Long.class,
                TaskActivitiesImpl.MIN_RANGE_IDS);
        f.contacts(owner, "b", 10);
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        f.jdbc().execute("""
                CREATE FUNCTION fail_b() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.contact_id > %d THEN RAISE EXCEPTION 'worker lost mid-insert'; END IF;
                    RETURN NEW;
                END $$""".formatted(TaskActivitiesImpl.MIN_RANGE_IDS));
        f.jdbc().execute("CREATE TRIGGER fail_b BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION fail_b()");
        assertThat(TaskActivitiesImpl.rangeIds(1, 3 * TaskActivitiesImpl.MIN_RANGE_IDS + 10, 2, 4))
                .isEqualTo(TaskActivitiesImpl.MIN_RANGE_IDS);

        assertThatThrownBy(() -> activities.materializeDeliveries(task)).hasMessageContaining("worker lost");
        List<String> firstTokens = f.jdbc().queryForList(
                "SELECT token FROM deliveries WHERE task_id = ? ORDER BY contact_id", String.class, task);
        assertThat(firstTokens).hasSize(10);

        f.jdbc().execute("DROP TRIGGER fail_b ON deliveries");
        f.jdbc().queryForObject("SELECT setval('contacts_id_seq', 40 * ?)", Long.class,
                TaskActivitiesImpl.MIN_RANGE_IDS);
        f.contacts(owner, "c", 10);
        assertThat(TaskActivitiesImpl.rangeIds(1, 40 * TaskActivitiesImpl.MIN_RANGE_IDS + 10, 2, 4))
                .as("the retry's first range spans both the committed and the missing sub-range")
                .isEqualTo(TaskActivitiesImpl.MAX_RANGE_IDS);
        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(audience.audienceSize()).isEqualTo(30);
        assertThat(audience.pending()).isEqualTo(30);
        assertThat(f.jdbc().queryForObject("SELECT count(DISTINCT contact_id) FROM deliveries WHERE task_id = ?",
                Integer.class, task)).isEqualTo(30);
        assertThat(f.jdbc().queryForList("SELECT token FROM deliveries WHERE task_id = ? ORDER BY contact_id "
                + "LIMIT 10", String.class, task)).as("the committed sub-range is kept as it was")
                .isEqualTo(firstTokens);
        assertThat(ledger()).as("reserved at activation, the contacts added since charged once at the start")
                .containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -20 task:" + task,
                        "TASK_RECONCILE -10 task:" + task);
    }

    /**
     * The ranges count what they insert, so the start reads no row back; but a delivery outside this attempt's ranges
     * (here an earlier attempt's, for a contact since deleted, past today's last contact id) is in the task all the
     * same: the audience size and the charge count every delivery of the task.
     */
    @Test
    void aDeliveryOutsideTheRangesIsStillCountedAtTheStart() {
        f.contacts(owner, "c", 10);
        f.jdbc().queryForObject("SELECT setval('contacts_id_seq', 3 * ?)", Long.class,
                TaskActivitiesImpl.SUB_RANGE_IDS);
        long gone = f.contact(owner, "gone@example.test", "Gone");
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        f.jdbc().update("UPDATE tasks SET status = 'SENDING' WHERE id = ?", task);
        f.jdbc().update("INSERT INTO deliveries (task_id, contact_id, template_id, status, token) "
                + "SELECT ?, ?, template_id, 'PENDING', 'earlier-attempt' FROM template_set_items "
                + "WHERE template_set_id = ? LIMIT 1", task, gone, templateSet);
        f.jdbc().update("DELETE FROM contacts WHERE id = ?", gone);

        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(audience.audienceSize()).isEqualTo(11);
        assertThat(audience.pending()).isEqualTo(11);
        assertThat(f.jdbc().queryForObject("SELECT audience_size FROM tasks WHERE id = ?", Integer.class, task))
                .isEqualTo(11);
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RESERVE -11 task:" + task);
    }

    @Test
    void rangesAreSizedForAFewPerConnectionWithinTheirBounds() {
        long sub = TaskActivitiesImpl.MIN_RANGE_IDS;
        assertThat(TaskActivitiesImpl.rangeIds(1, 20_000, 2, 4)).as("20,000 contacts: 3 ranges").isEqualTo(sub);
        assertThat(TaskActivitiesImpl.rangeIds(1, 120_000, 2, 4)).as("120,000: 8 ranges").isEqualTo(2 * sub);
        assertThat(TaskActivitiesImpl.rangeIds(1, 1_000_000, 2, 4)).as("a million: 16 ranges, the largest size")
                .isEqualTo(TaskActivitiesImpl.MAX_RANGE_IDS);
        assertThat(TaskActivitiesImpl.rangeIds(1, 120_000, 1, 4)).as("one connection: 4 ranges").isEqualTo(4 * sub);
        assertThat(TaskActivitiesImpl.rangeIds(1, 120_000, 2, 1)).as("one per connection: the ranges of before")
                .isEqualTo(TaskActivitiesImpl.MAX_RANGE_IDS);
    }

    @Test
    void aSmallerActualAudienceIsRefundedAtTheStart() {
        f.contacts(owner, "c", 5);
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        f.suppress(owner, "c-1@example.test");

        activities.materializeDeliveries(task);

        assertThat(f.quotaBalance(owner)).isEqualTo(96);
        assertThat(ledger()).endsWith("TASK_RECONCILE +1 task:" + task);
    }

    @Test
    void withoutQuotaForTheActualAudienceTheTaskReturnsItsReservationAndWaitsPausedUntilQuotaArrives() {
        f.contacts(owner, "c", 60);
        long task = f.task(campaign, owner, "{}", templateSet);
        reserve(task);
        f.contacts(owner, "late", 50); // 110 to send, 100 quota

        activities.materializeDeliveries(task);

        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(pauseReason(task)).isEqualTo("当前没有发信额度");
        assertThat(f.quotaBalance(owner)).as("the whole reservation went back").isEqualTo(100);
        assertThat(activities.refreshSendability(task))
                .isEqualTo(new TaskSendability("PAUSED", "当前没有发信额度", false, 0));

        f.grantQuota(owner, 10);
        TaskSendability after = activities.refreshSendability(task);

        assertThat(after.resumed()).isTrue();
        assertThat(f.taskStatus(task)).isEqualTo("SENDING");
        assertThat(f.quotaBalance(owner)).isZero();
        assertThat(ledger()).endsWith("PAUSE_REFUND +60 task:" + task, "ADMIN_ADJUST +10",
                "RESUME_RESERVE -110 task:" + task);
    }

    @Test
    void pauseResumeAndCancelMoveExactlyTheUnsentAmountAndASendMovesNothing() {
        f.contacts(owner, "c", 10);
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        assertThat(f.quotaBalance(owner)).isEqualTo(90);

        // the send path: 3 claimed, one sent, one failed, one still being sent
        assertThat(claims.claim(service, task, 3, "claim-1", Instant.now(), harness.providerRegistry).sending())
                .isEqualTo(3);
        List<Long> claimed = f.jdbc().queryForList(
                "SELECT id FROM deliveries WHERE claim_token = 'claim-1' ORDER BY id", Long.class);
        claims.recordSent(claimed.get(0), "claim-1", "<m1@a.example>", "p1");
        claims.recordFailed(claimed.get(1), "claim-1", "550 mailbox unavailable");
        assertThat(f.quotaBalance(owner)).as("a send, failed or not, moves nothing").isEqualTo(90);

        activities.pauseTask(task, "paused by operator");
        assertThat(f.quotaBalance(owner)).as("the 7 PENDING come back").isEqualTo(97);
        activities.pauseTask(task, "paused by operator: lunch");
        assertThat(f.quotaBalance(owner)).as("a second pause refunds nothing more").isEqualTo(97);

        // the claim's never-attempted delivery returns while the task holds nothing: refunded too
        assertThat(claims.releaseUnattempted("claim-1", service, null)).isEqualTo(1);
        assertThat(f.quotaBalance(owner)).isEqualTo(98);

        assertThat(activities.resumeTask(task, "resumed by operator")).isTrue();
        assertThat(f.quotaBalance(owner)).as("8 PENDING reserved again").isEqualTo(90);

        activities.pauseTask(task, "paused by operator");
        assertThat(activities.cancelTask(task, "cancelled by operator")).isEqualTo(8);
        activities.refundUnsentQuota(task, 8);
        assertThat(f.quotaBalance(owner)).as("paused then cancelled: refunded once, at the pause")
                .isEqualTo(98);
        assertThat(ledger()).containsExactly("ADMIN_ADJUST +100", "TASK_RECONCILE -10 task:" + task,
                "PAUSE_REFUND +7 task:" + task, "RELEASE_REFUND +1 task:" + task, "RESUME_RESERVE -8 task:" + task,
                "PAUSE_REFUND +8 task:" + task);
    }

    @Test
    void aClaimHandedBackAfterTheTaskWasCancelledEndsCancelledAndItsUnitComesBack() {
        f.contacts(owner, "c", 5);
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        assertThat(claims.claim(service, task, 2, "claim-x", Instant.now(), harness.providerRegistry).sending())
                .isEqualTo(2);
        assertThat(activities.cancelTask(task, "cancelled by operator")).as("the 3 PENDING").isEqualTo(3);
        long afterCancel = f.quotaBalance(owner);

        // the activity that held the claim stops without sending: its deliveries cannot stay PENDING forever
        assertThat(claims.releaseUnattempted("claim-x", service, null)).isEqualTo(2);
        assertThat(f.jdbc().queryForList("SELECT status || '/' || coalesce(skip_reason, '') FROM deliveries "
                + "WHERE task_id = ? ORDER BY id", String.class, task))
                .as("every delivery terminal (INV-4)").containsOnly("CANCELLED/TASK_ENDED", "CANCELLED/");
        assertThat(f.quotaBalance(owner)).as("never sent, so not charged").isEqualTo(afterCancel + 2);
    }

    @Test
    void aDeliverySkippedAtClaimTimeWasNeverSentAndCostsNothing() {
        f.contacts(owner, "c", 4);
        long service = f.smtpService("a.example", 2525, 1000, 0, null, null);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        f.suppress(owner, "c-2@example.test"); // unsubscribed after the start

        assertThat(claims.claim(service, task, 10, "claim-1", Instant.now(), harness.providerRegistry).skipped())
                .isEqualTo(1);

        assertThat(f.quotaBalance(owner)).isEqualTo(97);
        assertThat(ledger()).endsWith("SKIP_REFUND +1 task:" + task);
    }

    @Test
    void cancellingASendingTaskRefundsItsPendingDeliveriesOnce() {
        f.contacts(owner, "c", 10);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        f.jdbc().update("UPDATE deliveries SET status = 'SENT', claim_token = 'test/claim' WHERE id IN "
                + "(SELECT id FROM deliveries WHERE task_id = ? ORDER BY id LIMIT 4)", task);

        activities.cancelTask(task, "cancelled by operator");
        activities.cancelTask(task, "cancelled by operator");

        assertThat(f.quotaBalance(owner)).isEqualTo(96);
        assertThat(ledger()).endsWith("CANCEL_REFUND +6 task:" + task);
    }

    @Test
    void aTaskPausedBySystemForWantOfASenderServiceKeepsItsQuotaAndAnOperatorPauseThenReturnsIt() {
        f.contacts(owner, "c", 10);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        f.jdbc().update("UPDATE tasks SET status = 'PAUSED', pause_reason = ? WHERE id = ?",
                TaskSendability.NO_USABLE_SERVICE, task);

        activities.pauseTask(task, "paused by operator");
        assertThat(f.quotaBalance(owner)).isEqualTo(100);
        activities.resumeTask(task, "resumed by operator");
        assertThat(f.quotaBalance(owner)).isEqualTo(90);
    }

    @Test
    void resumingWithoutQuotaLeavesTheTaskPausedForQuotaUntilAnAdminGrantsSome() {
        f.contacts(owner, "c", 10);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        activities.pauseTask(task, "paused by operator");
        reserveSomewhereElse(95);

        assertThat(activities.resumeTask(task, "resumed by operator")).isFalse();
        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(pauseReason(task)).isEqualTo("当前没有发信额度");
        assertThat(f.quotaBalance(owner)).isEqualTo(5);

        f.grantQuota(owner, 5);
        assertThat(activities.refreshSendability(task).resumed()).isTrue();
        assertThat(f.taskStatus(task)).isEqualTo("SENDING");
        assertThat(f.quotaBalance(owner)).isZero();
    }

    @Test
    void aCancelledCampaignGivesBackTheReservationsOfItsUnstartedTasks() {
        f.contacts(owner, "c", 30);
        long first = f.task(campaign, owner, "{}", templateSet);
        long second = f.task(campaign, owner, "{}", templateSet);
        quota.reservePlanned(owner, List.of(first, second), 1L, "campaign activated");
        assertThat(f.quotaBalance(owner)).isEqualTo(40);

        harness.campaignActivities().completeCampaign(campaign, true);

        assertThat(f.quotaBalance(owner)).isEqualTo(100);
        assertThat(reserved(first) + reserved(second)).isZero();
        assertThat(f.taskStatus(first)).isEqualTo("CANCELLED");
    }

    /**
     * Claims race a pause: the claim holds the task row FOR SHARE, the pause FOR UPDATE before it counts the PENDING
     * deliveries, so every delivery is either claimed (consumed) or refunded — the balance ends at exactly the
     * quota minus what was claimed.
     */
    @Test
    void aPauseRacingTheClaimsRefundsExactlyWhatWasNotClaimed() throws Exception {
        f.grantQuota(owner, 900);
        f.jdbc().update("""
                INSERT INTO contacts (owner_id, email, nickname)
                SELECT ?, 'bulk-' || g || '@example.test', 'Bulk' FROM generate_series(1, 600) g
                """, owner);
        long service = f.smtpService("a.example", 2525, 100_000, 0, null, null);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        assertThat(f.quotaBalance(owner)).isEqualTo(400);

        ExecutorService pool = Executors.newFixedThreadPool(9);
        List<Callable<Integer>> work = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String token = "racer-" + i;
            work.add(() -> claims.claim(service, task, 5, token, Instant.now(), harness.providerRegistry).sending());
            if (i == 20) {
                work.add(() -> {
                    activities.pauseTask(task, "paused by operator");
                    return 0;
                });
            }
        }
        int claimed = 0;
        for (Future<Integer> result : pool.invokeAll(work)) {
            claimed += result.get();
        }
        pool.shutdown();

        assertThat(claimed).isPositive().isLessThan(600);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'SENDING'",
                Integer.class, task)).isEqualTo(claimed);
        assertThat(f.quotaBalance(owner)).isEqualTo(1000 - claimed);
    }

    private void reserve(long task) {
        quota.reservePlanned(owner, List.of(task), 1L, "campaign activated");
    }

    private void reserveSomewhereElse(long amount) {
        quota.ledger().debit(owner, amount, "TASK_RESERVE", "task:999", null, "another task");
    }

    private long reserved(long task) {
        return f.jdbc().queryForObject("SELECT quota_reserved FROM tasks WHERE id = ?", Long.class, task);
    }

    private String pauseReason(long task) {
        return f.jdbc().queryForObject("SELECT pause_reason FROM tasks WHERE id = ?", String.class, task);
    }

    private List<String> ledger() {
        return f.jdbc().queryForList("""
                SELECT reason || ' ' || CASE WHEN delta > 0 THEN '+' ELSE '' END || delta
                       || coalesce(' ' || reference, '')
                  FROM user_quota_ledger WHERE user_id = ? ORDER BY id
                """, String.class, owner);
    }

    private void assertBalanceIsTheSumOfTheLedger() {
        assertThat(f.jdbc().queryForObject("""
                SELECT u.quota_balance = (SELECT coalesce(sum(delta), 0) FROM user_quota_ledger WHERE user_id = u.id)
                  FROM users u WHERE u.id = ?
                """, Boolean.class, owner)).as("balance = sum(ledger)").isTrue();
    }
}
