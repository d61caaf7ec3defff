package org.edm.workflows.sending;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class DomainVerificationWorkflowTests {

    private static final long DOMAIN = 7;

    private final TestWorkflowEnvironment env = WorkflowTestEnvironments.newEnvironment();

    /** A domain whose records "match" from a given moment on, remembering when it was checked. */
    static final class FakeDns implements DomainActivities {
        final List<Instant> checks = new CopyOnWriteArrayList<>();
        final List<Instant> registrations = new CopyOnWriteArrayList<>();
        volatile boolean providerDown;
        volatile Instant publishedAt = Instant.MAX;
        volatile Instant brokenAt = Instant.MAX;
        volatile boolean resolverDown;
        volatile boolean deleted;
        volatile String status = "PENDING";
        volatile Instant expiredAt;
        private final TestWorkflowEnvironment env;

        FakeDns(TestWorkflowEnvironment env) {
            this.env = env;
        }

        @Override
        public DomainCheck checkDomain(long domainId) {
            Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
            checks.add(now);
            if (resolverDown) {
                throw ApplicationFailure.newFailure("resolver timed out", "DnsUnavailable");
            }
            if (deleted) {
                return new DomainCheck(domainId, DomainCheck.GONE, 0, 0);
            }
            boolean matches = !now.isBefore(publishedAt) && now.isBefore(brokenAt);
            if (matches) {
                status = "VERIFIED";
            } else if ("VERIFIED".equals(status)) {
                status = "FAILING";
            }
            return new DomainCheck(domainId, status, matches ? 4 : 1, 4);
        }

        @Override
        public String registerDomainAtProvider(long domainId) {
            registrations.add(Instant.ofEpochMilli(env.currentTimeMillis()));
            if (providerDown) {
                throw ApplicationFailure.newFailure("Aliyun DirectMail is busy", "ProviderUnavailable");
            }
            return "DONE";
        }

        @Override
        public void expireDomain(long domainId) {
            status = "EXPIRED";
            expiredAt = Instant.ofEpochMilli(env.currentTimeMillis());
        }

        /** Minutes after the start at which checks ran. */
        List<Long> minutes() {
            return checks.stream().map(c -> Duration.between(WorkflowTestEnvironments.START, c).toMinutes()).toList();
        }
    }

    private FakeDns fake;

    @BeforeEach
    void start() {
        fake = new FakeDns(env);
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(DomainVerificationWorkflowImpl.class);
        worker.registerActivitiesImplementations(fake);
        env.start();
    }

    @AfterEach
    void close() {
        env.close();
    }

    private DomainVerificationWorkflow startWorkflow() {
        DomainVerificationWorkflow workflow = env.getWorkflowClient().newWorkflowStub(
                DomainVerificationWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(WorkflowIds.sendingDomain(DOMAIN)).build());
        WorkflowClient.start(workflow::run, DomainVerificationInput.start(DOMAIN));
        return workflow;
    }

    private WorkflowExecutionStatus statusOfRun() {
        return env.getWorkflowClient().fetchHistory(WorkflowIds.sendingDomain(DOMAIN)).getLastEvent().hasWorkflowExecutionCompletedEventAttributes()
                ? WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
                : WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    @Test
    void unpublishedRecordsAreCheckedAfterOneMinuteThenEverDoublingWaitsCappedAtOneHour() {
        startWorkflow();
        env.sleep(Duration.ofHours(5));

        // checks at 0, then +1, +2, +4, +8, +16, +32, +60, +60 ... minutes
        assertThat(fake.minutes()).startsWith(0L, 1L, 3L, 7L, 15L, 31L, 63L, 123L, 183L, 243L);
        assertThat(fake.status).isEqualTo("PENDING");
    }

    @Test
    void publishedRecordsVerifyAtTheNextCheckAndCheckNowDoesNotWait() {
        DomainVerificationWorkflow workflow = startWorkflow();
        env.sleep(Duration.ofMinutes(40)); // checks at 0, 1, 3, 7, 15, 31; the next is due at 63
        fake.publishedAt = Instant.ofEpochMilli(env.currentTimeMillis());

        workflow.checkNow();
        env.sleep(Duration.ofSeconds(5));

        assertThat(fake.minutes()).containsExactly(0L, 1L, 3L, 7L, 15L, 31L, 40L);
        assertThat(fake.status).isEqualTo("VERIFIED");
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), WorkflowIds.sendingDomain(DOMAIN),
                "domain-verification-registered.json");
    }

    @Test
    void theApisStartWithCheckNowChecksOnceNotTwice() {
        io.temporal.client.WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub(
                "DomainVerificationWorkflow", WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(WorkflowIds.sendingDomain(DOMAIN)).build());
        stub.signalWithStart("checkNow", new Object[0], new Object[]{DomainVerificationInput.start(DOMAIN)});
        env.sleep(Duration.ofMinutes(4));

        assertThat(fake.minutes()).containsExactly(0L, 1L, 3L);
    }

    @Test
    void anUnverifiedDomainExpiresAfter72HoursWithoutFurtherChecks() {
        startWorkflow();
        env.sleep(Duration.ofHours(80));

        assertThat(fake.status).isEqualTo("EXPIRED");
        // at the 72 h mark (give or take the milliseconds the test itself takes), after one last check
        assertThat(Duration.between(WorkflowTestEnvironments.START.plus(Duration.ofHours(72)), fake.expiredAt))
                .isBetween(Duration.ZERO, Duration.ofSeconds(1));
        assertThat(Duration.between(fake.checks.get(fake.checks.size() - 1), fake.expiredAt))
                .isBetween(Duration.ZERO, Duration.ofSeconds(1));
        // 7 backoff checks in the first 63 min, then hourly: about 77 lookups in 72 h, not thousands
        assertThat(fake.checks).hasSizeBetween(70, 80);
        assertThat(statusOfRun()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    }

    @Test
    void aVerifiedDomainIsRecheckedDailyBecomesFailingAndIsVerifiedAgainWhenMended() {
        fake.publishedAt = WorkflowTestEnvironments.START;
        DomainVerificationWorkflow workflow = startWorkflow();
        env.sleep(Duration.ofDays(3).plusHours(1));
        assertThat(fake.minutes()).containsExactly(0L, 1440L, 2880L, 4320L);
        assertThat(fake.status).isEqualTo("VERIFIED");

        fake.brokenAt = Instant.ofEpochMilli(env.currentTimeMillis());
        env.sleep(Duration.ofDays(1));
        assertThat(fake.status).isEqualTo("FAILING");

        // mended: "check now" sees it at once
        fake.brokenAt = Instant.MAX;
        workflow.checkNow();
        env.sleep(Duration.ofSeconds(5));
        assertThat(fake.status).isEqualTo("VERIFIED");

        // weeks later it is still watched, across continue-as-new runs
        int before = fake.checks.size();
        env.sleep(Duration.ofDays(20));
        assertThat(fake.checks.size() - before).isEqualTo(20);
        // registered once, at the start: monitoring runs (continued as new) do not register again
        assertThat(fake.registrations).hasSize(1);
        assertThat(Duration.between(WorkflowTestEnvironments.START, fake.registrations.get(0)))
                .isLessThan(Duration.ofSeconds(1));
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), WorkflowIds.sendingDomain(DOMAIN),
                "domain-monitoring.json"); // the last run: monitoring only
    }

    @Test
    void aFreshRunRegistersTheDomainAtDirectMailBeforeItsFirstCheckAndDirectMailTroubleDoesNotStopTheChecks() {
        fake.providerDown = true;
        startWorkflow();
        env.sleep(Duration.ofMinutes(4));

        // tried a few times within seconds, then left to the checks (which register a domain not registered yet)
        assertThat(fake.registrations).hasSize(3);
        assertThat(Duration.between(WorkflowTestEnvironments.START, fake.registrations.get(0)))
                .isLessThan(Duration.ofSeconds(1));
        assertThat(fake.registrations.get(2)).isBefore(fake.checks.get(0));
        assertThat(fake.minutes()).containsExactly(0L, 1L, 3L);
    }

    @Test
    void anUnreachableResolverChangesNothingAndTheNextCheckTriesAgain() {
        fake.resolverDown = true;
        startWorkflow();
        env.sleep(Duration.ofMinutes(2));
        fake.resolverDown = false;
        fake.publishedAt = WorkflowTestEnvironments.START;
        env.sleep(Duration.ofMinutes(3));

        assertThat(fake.status).isEqualTo("VERIFIED");
    }

    @Test
    void aDeletedDomainEndsItsWorkflow() {
        DomainVerificationWorkflow workflow = startWorkflow();
        env.sleep(Duration.ofMinutes(2));
        fake.deleted = true;
        workflow.checkNow();
        env.sleep(Duration.ofSeconds(5));

        WorkflowStub.fromTyped(workflow).getResult(Void.class);
        int checks = fake.checks.size();
        env.sleep(Duration.ofDays(1));
        assertThat(fake.checks).hasSize(checks);
    }
}
