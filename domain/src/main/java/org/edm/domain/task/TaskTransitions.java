package org.edm.domain.task;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Collection;

/**
 * Moves tasks between states and writes the execution log (F15) in the same statement, so a state change
 * without its log row cannot happen. Only tasks currently in one of {@code from} move: calling it twice is a
 * no-op the second time, which is what makes the activities that use it safe to retry.
 */
@Component
public class TaskTransitions {

    private final NamedParameterJdbcTemplate jdbc;

    public TaskTransitions(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Moves one task; returns whether it moved. */
    public boolean moveTask(long taskId, Collection<String> from, String to, String reason, TaskChange change) {
        return move("id = :scope", taskId, from, to, reason, change) > 0;
    }

    /** Moves every task of a campaign that is in one of {@code from}; returns how many moved. */
    public int moveCampaignTasks(long campaignId, Collection<String> from, String to, String reason) {
        return move("campaign_id = :scope", campaignId, from, to, reason, TaskChange.NONE);
    }

    private int move(String scope, long scopeId, Collection<String> from, String to, String reason, TaskChange change) {
        String sql = """
                WITH moved AS (
                    UPDATE tasks t
                       SET status = :to, updated_at = now()%s
                      FROM (SELECT id, status AS old_status FROM tasks
                             WHERE %s AND status IN (:from) FOR UPDATE) o
                     WHERE t.id = o.id
                 RETURNING t.id, o.old_status
                )
                INSERT INTO task_execution_log (task_id, from_status, to_status, reason)
                SELECT id, old_status, :to, :reason FROM moved
                """.formatted(change.assignments(), scope);
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("scope", scopeId)
                .addValue("from", from)
                .addValue("to", to)
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

        public static TaskChange pause(String reason) {
            return new TaskChange(", pause_reason = :pauseReason", new MapSqlParameterSource("pauseReason", reason));
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
    }
}
