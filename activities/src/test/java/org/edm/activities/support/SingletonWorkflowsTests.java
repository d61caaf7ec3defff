package org.edm.activities.support;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Every worker start calls {@link SingletonWorkflows#startOnce}: the first wins, the others leave it running. */
class SingletonWorkflowsTests {

    private static final String QUEUE = "singleton-test";

    @WorkflowInterface
    public interface Forever {
        @WorkflowMethod
        void run(String input);

        @QueryMethod
        String input();
    }

    public static class ForeverImpl implements Forever {
        private String input;

        @Override
        public void run(String input) {
            this.input = input;
            Workflow.await(() -> false);
        }

        @Override
        public String input() {
            return input;
        }
    }

    private TestWorkflowEnvironment env;
    private WorkflowClient client;

    @BeforeEach
    void start() {
        env = TestWorkflowEnvironment.newInstance();
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ForeverImpl.class);
        env.start();
        client = env.getWorkflowClient();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void aSecondWorkerFindsTheFirstRunAndStartsNoOther() {
        SingletonWorkflows.startOnce(client, QUEUE, Forever.class, "the-one", w -> WorkflowClient.start(w::run, "first"));
        assertThatCode(() -> SingletonWorkflows.startOnce(client, QUEUE, Forever.class, "the-one",
                w -> WorkflowClient.start(w::run, "second"))).doesNotThrowAnyException();

        assertThat(client.newWorkflowStub(Forever.class, "the-one").input()).isEqualTo("first");
        var open = env.getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(env.getNamespace()).build());
        assertThat(open.getExecutionsList()).extracting(e -> e.getExecution().getWorkflowId())
                .containsExactly("the-one");
    }

    @Test
    void aFinishedRunIsStartedAgainByTheNextWorker() {
        SingletonWorkflows.startOnce(client, QUEUE, Forever.class, "the-one", w -> WorkflowClient.start(w::run, "first"));
        WorkflowStub.fromTyped(client.newWorkflowStub(Forever.class, "the-one")).terminate("test");

        SingletonWorkflows.startOnce(client, QUEUE, Forever.class, "the-one", w -> WorkflowClient.start(w::run, "again"));

        assertThat(client.newWorkflowStub(Forever.class, "the-one").input()).isEqualTo("again");
        var described = env.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder().setNamespace(env.getNamespace())
                        .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                .setWorkflowId("the-one")).build());
        assertThat(described.getWorkflowExecutionInfo().getStatus())
                .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    }

    @Test
    void aStartThatFailsIsLoggedNotThrownSoTheWorkerStillComesUp() {
        assertThatCode(() -> SingletonWorkflows.startOnce(client, QUEUE, Forever.class, "the-one", w -> {
            throw new IllegalStateException("Temporal is not reachable");
        })).doesNotThrowAnyException();
    }
}
