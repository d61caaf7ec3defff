package org.edm.api.sender;

import io.temporal.client.WorkflowNotFoundException;
import org.edm.api.temporal.TemporalGateway;
import org.edm.api.temporal.TemporalGateway.QueryAnswer;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceStatus;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Tells a running {@code sender-service-{id}} workflow that an admin changed its service. */
@Component
class SenderServiceSignals {

    private static final Logger log = LoggerFactory.getLogger(SenderServiceSignals.class);

    private static final Duration QUERY_DEADLINE = Duration.ofSeconds(2);

    private final TemporalGateway temporal;

    SenderServiceSignals(TemporalGateway temporal) {
        this.temporal = temporal;
    }

    /**
     * Best effort, after the change committed: the database is the truth and the workflow reloads it before its
     * next batch. Not running is fine (it reads the configuration when it starts); Temporal being unreachable is
     * logged, not failed, because the admin's change is already saved.
     */
    void configurationChanged(long serviceId) {
        String workflowId = WorkflowIds.senderService(serviceId);
        try {
            temporal.signal(SenderServiceWorkflow.class, workflowId, SenderServiceWorkflow::configurationChanged);
        } catch (WorkflowNotFoundException notRunning) {
            log.debug("{} is not running; nothing to tell", workflowId);
        } catch (RuntimeException e) {
            log.warn("could not signal configurationChanged to {} (it will pick the change up when it reloads): {}",
                    workflowId, e.toString());
        }
    }

    /**
     * What the service's workflow says about itself, asked with a short deadline: an admin page must not hang
     * because Temporal or every worker is down. Empty when it cannot be asked; NOT_RUNNING when no run exists.
     */
    Optional<SenderServiceView.Live> live(long serviceId) {
        String workflowId = WorkflowIds.senderService(serviceId);
        QueryAnswer<SenderServiceStatus> answer = temporal.query(workflowId, "status", SenderServiceStatus.class,
                QUERY_DEADLINE);
        if (!answer.answered()) {
            if (answer.missing() == QueryAnswer.Missing.NOT_RUNNING) {
                return Optional.of(new SenderServiceView.Live("NOT_RUNNING", null, null, List.of()));
            }
            log.debug("could not query {}: {}", workflowId, answer.reason());
            return Optional.empty();
        }
        SenderServiceStatus status = answer.value();
        boolean cooling = "COOLING".equals(status.state());
        Instant until = status.sleepingUntilEpochMillis() == null ? null
                : Instant.ofEpochMilli(status.sleepingUntilEpochMillis());
        return Optional.of(new SenderServiceView.Live(status.state(), cooling ? until : null,
                "QUOTA_EXHAUSTED".equals(status.state()) ? until : null, status.waitingTaskIds()));
    }
}
