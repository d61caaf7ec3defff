package org.edm.domain.task;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Map;

/**
 * The one owner of a task's state: every change of {@code tasks.status} and {@code pause_reason} goes through here,
 * and each writes the execution log (F15) in the same statement, so a state change without its log row cannot
 * happen. Only tasks currently in one of {@code from} move: calling it twice is a no-op the second time, which is
 * what makes the activities that use it safe to retry.
 */
@Component
public class TaskTransitions {

    private final NamedParameterJdbcTemplate jdbc;

    public TaskTransitions(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Moves one task; returns whether it moved. */
    public boolean moveTask(long taskId, Collection<TaskStatus> from, TaskStatus to, String reason,
                            TaskChange change) {
        return move("id = :scope", taskId, from, to, reason, change, "") > 0;
    }

    /** Moves every task of a campaign that is in one of {@code from}; returns how many moved. */
    public int moveCampaignTasks(long campaignId, Collection<TaskStatus> from, TaskStatus to, String reason) {
        return move("campaign_id = :scope", campaignId, from, to, reason, TaskChange.NONE, "");
    }

    /**
     * The send path's F20 check (pause for want of a sender service, or lift that pause): moves the task only while
     * it is still in {@code from} with exactly {@code fromReason} (null: none), so an operator's pause that came in
     * between is never overwritten. {@code newReason} null means back to SENDING; returns whether it moved.
     */
    public boolean moveForSendability(long taskId, TaskStatus from, String fromReason, PauseReason newReason,
                                      String logReason) {
        TaskStatus to = newReason == null ? TaskStatus.SENDING : TaskStatus.PAUSED;
        TaskChange change = newReason == null ? TaskChange.resume() : TaskChange.pause(newReason);
        MapSqlParameterSource guard = new MapSqlParameterSource("fromReason", fromReason);
        return move("id = :scope", taskId, java.util.List.of(from), to, logReason,
                change.with(guard), " AND coalesce(pause_reason, '') = coalesce(CAST(:fromReason AS text), '')") > 0;
    }

    /**
     * An execution-log row for something an operator did to a task without changing its state (a retry of failed
     * deliveries while it is SENDING or PAUSED).
     */
    public void note(long taskId, TaskStatus status, String reason) {
        jdbc.update("""
                INSERT INTO task_execution_log (task_id, from_status, to_status, reason) VALUES (:id, :s, :s, :reason)
                """, Map.of("id", taskId, "s", status.name(), "reason", reason));
    }

    private int move(String scope, long scopeId, Collection<TaskStatus> from, TaskStatus to, String reason,
                     TaskChange change, String guard) {
        String sql = """
                WITH moved AS (
                    UPDATE tasks t
                       SET status = :to, updated_at = now()%s
                      FROM (SELECT id, status AS old_status FROM tasks
                             WHERE %s AND status IN (:from)%s FOR UPDATE) o
                     WHERE t.id = o.id
                 RETURNING t.id, o.old_status
                )
                INSERT INTO task_execution_log (task_id, from_status, to_status, reason)
                SELECT id, old_status, :to, :reason FROM moved
                """.formatted(change.assignments(), scope, guard);
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("scope", scopeId)
                .addValue("from", TaskStatus.names(from))
                .addValue("to", to.name())
                .addValue("reason", reason)
                .addValues(change.params().getValues());
        return jdbc.update(sql, params);
    }

    /** Extra columns set together with the status (fixed SQL fragments, values always bound). */
    public record TaskChange(String assignments, MapSqlParameterSource params) {

        public static final TaskChange NONE = new TaskChange("", new MapSqlParameterSource());

        public static TaskChange startSending() {
            return new TaskChange(", actual_start_time = coalesce(t.actual_start_time, now()), pause_reason = NULL",
                    new MapSqlParameterSource());
        }

        /** An operator's pause: their own text is stored as the reason. */
        public static TaskChange pause(String reason) {
            return new TaskChange(", pause_reason = :pauseReason", new MapSqlParameterSource("pauseReason", reason));
        }

        /** A system pause: the reason's F20 text is stored. */
        public static TaskChange pause(PauseReason reason) {
            return pause(reason.text());
        }

        public static TaskChange resume() {
            return new TaskChange(", pause_reason = NULL", new MapSqlParameterSource());
        }

        public static TaskChange cancel() {
            return new TaskChange(", pause_reason = NULL, actual_end_time = coalesce(t.actual_end_time, now())",
                    new MapSqlParameterSource());
        }

        public static TaskChange finish(String summaryJson) {
            return new TaskChange(", actual_end_time = now(), pause_reason = NULL, summary_stats = CAST(:summary AS jsonb)",
                    new MapSqlParameterSource("summary", summaryJson));
        }

        /** A FINISHED task sends again (a retry of its failed deliveries): it has not ended after all. */
        public static TaskChange reopen() {
            return new TaskChange(", actual_end_time = NULL", new MapSqlParameterSource());
        }

        TaskChange with(MapSqlParameterSource more) {
            MapSqlParameterSource merged = new MapSqlParameterSource().addValues(params.getValues())
                    .addValues(more.getValues());
            return new TaskChange(assignments, merged);
        }
    }
}
