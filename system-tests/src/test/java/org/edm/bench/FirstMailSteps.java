package org.edm.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskQuota;
import org.edm.workflows.WorkflowIds;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where the time from a start (plan_time, or the benchmark's activation) to a task's first mail went, read from the
 * campaign's and task's workflow histories and from the task's rows: when each audience range's transaction began
 * (its deliveries' {@code created_at}, one per transaction), when the count and quota reconcile began (the
 * {@code TASK_RECONCILE} ledger row), the first attempted mark and the first SENT. All on the wall clock of this
 * machine, so the database's and Temporal's times line up with the benchmark's.
 */
final class FirstMailSteps {

    private final List<Step> steps = new ArrayList<>();

    private record Step(long at, String name) {
    }

    private FirstMailSteps() {
    }

    /** Prints the steps of campaign {@code campaignId}'s task {@code taskId} after {@code fromMillis}. */
    static void print(WorkflowClient client, DataSource ds, long campaignId, long taskId, long fromMillis,
                      String from, Long firstMailMillis) throws SQLException {
        FirstMailSteps s = new FirstMailSteps();
        boolean childInitiated = false;
        for (HistoryEvent e : client.fetchHistory(WorkflowIds.campaign(campaignId)).getEvents()) {
            if (e.getEventType() == EventType.EVENT_TYPE_TIMER_FIRED) {
                s.once("campaign timer fired", millis(e));
            } else if (e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
                s.once("task workflow start initiated", millis(e));
                childInitiated = true;
            } else if (!childInitiated) {
                // the campaign's own steps up to the task's start: its workflow tasks and the plan's activity
                String name = switch (e.getEventType()) {
                    case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> "campaign workflow started";
                    case EVENT_TYPE_WORKFLOW_TASK_SCHEDULED -> "  campaign workflow task scheduled";
                    case EVENT_TYPE_WORKFLOW_TASK_STARTED -> "    started";
                    case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> "    completed";
                    case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> "  campaign activity scheduled: "
                            + e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
                    case EVENT_TYPE_ACTIVITY_TASK_STARTED -> "    started";
                    case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> "    completed";
                    default -> null;
                };
                if (name != null) {
                    s.steps.add(new Step(millis(e), name));
                }
            }
        }
        int activities = 0;
        int workflowTasks = 0;
        for (HistoryEvent e : client.fetchHistory(WorkflowIds.task(taskId)).getEvents()) {
            String name = switch (e.getEventType()) {
                case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> "task workflow started";
                case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> "task activity scheduled: "
                        + e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
                case EVENT_TYPE_ACTIVITY_TASK_STARTED -> "  started";
                case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> "  completed";
                default -> null;
            };
            if (name != null && activities++ < 8) {
                s.steps.add(new Step(millis(e), name));
            }
            // the task's first workflow task: from its start to its first activity
            String workflowTask = switch (e.getEventType()) {
                case EVENT_TYPE_WORKFLOW_TASK_SCHEDULED -> "  task workflow task scheduled";
                case EVENT_TYPE_WORKFLOW_TASK_STARTED -> "    started";
                case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> "    completed";
                default -> null;
            };
            if (workflowTask != null && workflowTasks++ < 3) {
                s.steps.add(new Step(millis(e), workflowTask));
            }
        }
        // demand → first mail: the first sender service's workflow task on the demand signal and its first batch
        int serviceSteps = 0;
        for (HistoryEvent e : client.fetchHistory(WorkflowIds.senderService(1)).getEvents()) {
            if (millis(e) < fromMillis || serviceSteps >= 6) {
                continue;
            }
            String name = switch (e.getEventType()) {
                case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> "service 1 signalled: "
                        + e.getWorkflowExecutionSignaledEventAttributes().getSignalName();
                case EVENT_TYPE_WORKFLOW_TASK_SCHEDULED -> "  service 1 workflow task scheduled";
                case EVENT_TYPE_WORKFLOW_TASK_STARTED -> "    started";
                case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> "    completed";
                case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> "  service 1 activity scheduled: "
                        + e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
                case EVENT_TYPE_ACTIVITY_TASK_STARTED -> "    started";
                default -> null;
            };
            if (name != null) {
                serviceSteps++;
                s.steps.add(new Step(millis(e), name));
            }
        }
        try (Connection c = ds.getConnection()) {
            // one created_at per transaction: each audience range is its own
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT created_at, count(*), min(contact_id), max(contact_id) FROM deliveries WHERE task_id = ?
                     GROUP BY created_at ORDER BY created_at LIMIT 40""")) {
                ps.setLong(1, taskId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        s.steps.add(new Step(rs.getTimestamp(1).getTime(),
                                "audience range began (db): %,d deliveries, contacts %d..%d"
                                        .formatted(rs.getLong(2), rs.getLong(3), rs.getLong(4))));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT min(created_at) FROM user_quota_ledger WHERE reference = ? AND reason = ?""")) {
                ps.setString(1, TaskQuota.reference(taskId));
                ps.setString(2, QuotaLedger.TASK_RECONCILE);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getTimestamp(1) != null) {
                        s.steps.add(new Step(rs.getTimestamp(1).getTime(), "count + quota reconcile began (db)"));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT min(attempted_at), min(sent_at) FROM deliveries WHERE task_id = ?")) {
                ps.setLong(1, taskId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getTimestamp(1) != null) {
                        s.steps.add(new Step(rs.getTimestamp(1).getTime(), "first delivery attempted (db)"));
                    }
                    if (rs.getTimestamp(2) != null) {
                        s.steps.add(new Step(rs.getTimestamp(2).getTime(), "first delivery sent (db)"));
                    }
                }
            }
        }
        if (firstMailMillis != null) {
            s.steps.add(new Step(firstMailMillis, "first mail at the sink"));
        }
        s.steps.sort(Comparator.comparingLong(Step::at));
        System.out.printf("where the time to the first mail went (ms after %s):%n", from);
        s.steps.forEach(step -> System.out.printf("  %+7d  %s%n", step.at() - fromMillis, step.name()));
    }

    private void once(String name, long at) {
        if (steps.stream().noneMatch(step -> step.name().equals(name))) {
            steps.add(new Step(at, name));
        }
    }

    private static long millis(HistoryEvent e) {
        return e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
    }
}
