package org.edm.api.temporal;

import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.Functions;
import org.edm.api.EdmApiProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The api's one way to Temporal: start a workflow, signal it, ask whether it exists, terminate it, and query it with a
 * deadline. The api hosts no workers, so it never does more than this (DESIGN §2); every feature's "runs" class
 * speaks business (start the campaign, pause the task) and calls through here.
 *
 * <p>Start and signal pass the SDK's exceptions through ({@link WorkflowExecutionAlreadyStarted},
 * {@link WorkflowNotFoundException}, any other {@link RuntimeException} when Temporal cannot be reached), because
 * what they mean to a user differs per request. A query never throws: see {@link #query}.
 */
@Component
public class TemporalGateway {

    private final WorkflowClient client;
    private final Duration queryTimeout;

    public TemporalGateway(WorkflowClient client, EdmApiProperties properties) {
        this.client = client;
        this.queryTimeout = properties.temporal().queryTimeout();
    }

    /**
     * Starts {@code type}'s workflow method with {@code input}, e.g.
     * {@code start(TaskWorkflow.class, options, wf -> wf::run, new TaskInput(...))}.
     */
    public <W, A> void start(Class<W> type, WorkflowOptions options, Function<W, Functions.Proc1<A>> method,
                             A input) throws WorkflowExecutionAlreadyStarted {
        WorkflowClient.start(method.apply(client.newWorkflowStub(type, options)), input);
    }

    /**
     * Signals {@code type}'s workflow, starting it first if no run is open (one request, so exactly one run exists
     * afterwards), e.g. {@code signalWithStart(WebhookEndpointWorkflow.class, options, wf -> wf::run, input,
     * wf -> wf::wake)}.
     */
    public <W, A> void signalWithStart(Class<W> type, WorkflowOptions options, Function<W, Functions.Proc1<A>> method,
                                       A input, Function<W, Functions.Proc> signal) {
        W stub = client.newWorkflowStub(type, options);
        BatchRequest request = client.newSignalWithStartRequest();
        request.add(method.apply(stub), input);
        request.add(signal.apply(stub));
        client.signalWithStart(request);
    }

    /** Sends a signal to the open run of {@code workflowId}; {@link WorkflowNotFoundException} when none is open. */
    public <W> void signal(Class<W> type, String workflowId, Consumer<W> signal) throws WorkflowNotFoundException {
        signal.accept(client.newWorkflowStub(type, workflowId));
    }

    /**
     * Whether a run of {@code workflowId} exists (open or closed). False when Temporal says there is none, and also
     * when it cannot be asked: callers treat that as "it did not happen".
     */
    public boolean exists(String workflowId) {
        try {
            client.newUntypedWorkflowStub(workflowId).describe();
            return true;
        } catch (RuntimeException noneOrUnreachable) {
            return false;
        }
    }

    public void terminate(String workflowId, String reason) {
        client.newUntypedWorkflowStub(workflowId).terminate(reason);
    }

    /** {@link #query(String, String, Class, Duration)} within {@code edm.temporal.query-timeout}. */
    public <R> QueryAnswer<R> query(String workflowId, String queryType, Class<R> resultType) {
        return query(workflowId, queryType, resultType, queryTimeout);
    }

    /**
     * A workflow's own answer to a query, or why there is none. Never throws and never takes longer than
     * {@code deadline}: a query needs a worker to answer, and a page must not hang when none is polling. That is why
     * this is one raw QueryWorkflow call with a gRPC deadline rather than the typed stub, whose client retries would
     * stretch the wait past it.
     */
    public <R> QueryAnswer<R> query(String workflowId, String queryType, Class<R> resultType, Duration deadline) {
        try {
            QueryWorkflowResponse response = client.getWorkflowServiceStubs().blockingStub()
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .queryWorkflow(QueryWorkflowRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .setQuery(WorkflowQuery.newBuilder().setQueryType(queryType))
                            .build());
            if (response.hasQueryRejected()) {
                return QueryAnswer.none(QueryAnswer.Missing.NOT_RUNNING, "the workflow rejected the query");
            }
            R value = client.getOptions().getDataConverter().fromPayloads(0,
                    Optional.of(response.getQueryResult()), resultType, resultType);
            return new QueryAnswer<>(value, null, null);
        } catch (StatusRuntimeException e) {
            return switch (e.getStatus().getCode()) {
                case NOT_FOUND -> QueryAnswer.none(QueryAnswer.Missing.NOT_RUNNING, "no workflow run found");
                case DEADLINE_EXCEEDED -> QueryAnswer.none(QueryAnswer.Missing.NO_ANSWER,
                        "no worker answered within " + deadline.toMillis() + " ms");
                case UNAVAILABLE -> QueryAnswer.none(QueryAnswer.Missing.UNREACHABLE, "Temporal unreachable");
                default -> QueryAnswer.none(QueryAnswer.Missing.FAILED, e.getStatus().getCode().toString());
            };
        } catch (RuntimeException e) {
            return QueryAnswer.none(QueryAnswer.Missing.FAILED, e.getClass().getSimpleName());
        }
    }

    /** A query's answer ({@code value}), or why there is none ({@code missing} and a short {@code reason}). */
    public record QueryAnswer<R>(R value, Missing missing, String reason) {

        public enum Missing { NOT_RUNNING, NO_ANSWER, UNREACHABLE, FAILED }

        static <R> QueryAnswer<R> none(Missing missing, String reason) {
            return new QueryAnswer<>(null, missing, reason);
        }

        public boolean answered() {
            return missing == null;
        }
    }
}
