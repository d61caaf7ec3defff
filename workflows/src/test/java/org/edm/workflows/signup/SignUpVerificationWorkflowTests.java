package org.edm.workflows.signup;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignUpVerificationWorkflowTests {

    private TestWorkflowEnvironment env;
    private FakeSystemMail mail;

    /** An SMTP server that is down for the first {@code failures} attempts; records each attempt's time. */
    static final class FakeSystemMail implements SignUpActivities {
        final List<Long> attemptsAt = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        volatile boolean refuseRecipient;
        private final TestWorkflowEnvironment env;

        FakeSystemMail(TestWorkflowEnvironment env) {
            this.env = env;
        }

        @Override
        public VerificationMailResult sendVerificationMail(SignUpVerificationInput input) {
            attemptsAt.add(env.currentTimeMillis());
            if (refuseRecipient) {
                throw ApplicationFailure.newNonRetryableFailure("550 no such mailbox", "InvalidRecipient");
            }
            if (failuresLeft.getAndDecrement() > 0) {
                throw ApplicationFailure.newFailure("connection refused: smtp.example.test:587", "SmtpUnavailable");
            }
            return new VerificationMailResult(input.userId(), VerificationMailResult.SENT, "<q1@smtp>");
        }
    }

    @BeforeEach
    void setUp() {
        env = WorkflowTestEnvironments.newEnvironment();
        mail = new FakeSystemMail(env);
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(SignUpVerificationWorkflowImpl.class);
        worker.registerActivitiesImplementations(mail);
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private SignUpVerificationWorkflow workflow(long userId) {
        return env.getWorkflowClient().newWorkflowStub(SignUpVerificationWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.signUp(userId)).setTaskQueue(TaskQueues.EDM).build());
    }

    @Test
    void aDownSmtpServerIsRetriedWithBackoffUntilTheMailLeaves() {
        mail.failuresLeft.set(3);
        VerificationMailResult result = workflow(7).run(new SignUpVerificationInput(7));

        assertThat(result.outcome()).isEqualTo(VerificationMailResult.SENT);
        assertThat(mail.attemptsAt).hasSize(4);
        // 10 s, 20 s, 40 s between attempts: a broken server is not hammered
        assertThat(mail.attemptsAt.get(1) - mail.attemptsAt.get(0)).isGreaterThanOrEqualTo(10_000);
        assertThat(mail.attemptsAt.get(3) - mail.attemptsAt.get(2)).isGreaterThanOrEqualTo(40_000);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), WorkflowIds.signUp(7), "sign-up.json");
    }

    @Test
    void aRefusedRecipientIsNotTriedAgain() {
        mail.refuseRecipient = true;
        SignUpVerificationWorkflow workflow = workflow(8);

        assertThatThrownBy(() -> workflow.run(new SignUpVerificationInput(8)))
                .isInstanceOf(WorkflowFailedException.class)
                .cause().isInstanceOf(ActivityFailure.class)
                .cause().isInstanceOf(ApplicationFailure.class)
                .satisfies(f -> assertThat(((ApplicationFailure) f).getType()).isEqualTo("InvalidRecipient"));
        assertThat(mail.attemptsAt).hasSize(1);
    }

    @Test
    void anSmtpServerDownForADayGivesUpWhenTheLinkWouldHaveExpired() {
        mail.failuresLeft.set(Integer.MAX_VALUE);
        SignUpVerificationWorkflow workflow = workflow(9);
        WorkflowClient.start(workflow::run, new SignUpVerificationInput(9));

        assertThatThrownBy(() -> WorkflowStubResult.of(env, 9)).isInstanceOf(WorkflowFailedException.class);
        // 10 s doubling up to 10 min: about 150 attempts in 24 h, not thousands
        assertThat(mail.attemptsAt.size()).isBetween(100, 200);
        assertThat(mail.attemptsAt.get(mail.attemptsAt.size() - 1) - mail.attemptsAt.get(0))
                .isLessThanOrEqualTo(24 * 3600_000L);
    }

    private static final class WorkflowStubResult {
        static VerificationMailResult of(TestWorkflowEnvironment env, long userId) {
            return env.getWorkflowClient().newUntypedWorkflowStub(WorkflowIds.signUp(userId))
                    .getResult(VerificationMailResult.class);
        }
    }
}
