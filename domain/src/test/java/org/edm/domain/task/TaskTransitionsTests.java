package org.edm.domain.task;

import org.edm.domain.task.TaskTransitions.TaskChange;
import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The task state machine on a real PostgreSQL: each move is guarded, stored as today's strings, and logged. */
class TaskTransitionsTests {

    private JdbcTemplate jdbc;
    private TaskTransitions transitions;
    private long owner;
    private long campaign;

    @BeforeEach
    void setUp() {
        TestDatabase.Database db = TestDatabase.freshDatabase();
        jdbc = new JdbcTemplate(db.dataSource());
        transitions = new TaskTransitions(new NamedParameterJdbcTemplate(db.dataSource()));
        owner = jdbc.queryForObject("INSERT INTO users (username) VALUES (?) RETURNING id", Long.class,
                "op-" + UUID.randomUUID());
        campaign = jdbc.queryForObject("INSERT INTO campaigns (owner_id, name, start_time) VALUES (?, 'c', now()) "
                + "RETURNING id", Long.class, owner);
    }

    @Test
    void theSendPathNeverOverwritesAnOperatorsPauseAndLogsWhatItDoes() {
        long sending = task(0, "SENDING", null);
        long byOperator = task(1, "PAUSED", "paused by operator: wait for the newsletter");

        assertThat(transitions.moveForSendability(sending, TaskStatus.SENDING, null, PauseReason.NO_USABLE_SERVICE,
                PauseReason.NO_USABLE_SERVICE.text())).isTrue();
        // the operator's pause is not a system pause: the check's guard (status and reason) does not match
        assertThat(transitions.moveForSendability(byOperator, TaskStatus.PAUSED, PauseReason.NO_USABLE_SERVICE.text(),
                null, "a sender service can send again")).isFalse();

        assertThat(row(sending)).containsEntry("status", "PAUSED").containsEntry("pause_reason", "当前没有可用发信服务");
        assertThat(row(byOperator)).containsEntry("status", "PAUSED")
                .containsEntry("pause_reason", "paused by operator: wait for the newsletter");
        assertThat(log(sending)).containsExactly("SENDING -> PAUSED: 当前没有可用发信服务");
        assertThat(log(byOperator)).isEmpty();

        assertThat(transitions.moveForSendability(sending, TaskStatus.PAUSED, PauseReason.NO_USABLE_SERVICE.text(),
                null, "a sender service can send again")).isTrue();
        assertThat(row(sending)).containsEntry("status", "SENDING").containsEntry("pause_reason", null);
        assertThat(log(sending)).containsExactly("SENDING -> PAUSED: 当前没有可用发信服务",
                "PAUSED -> SENDING: a sender service can send again");
    }

    @Test
    void aRetriedFinishedTaskReopensAndARunningOneOnlyGetsALogRow() {
        long finished = task(0, "FINISHED", null);
        jdbc.update("UPDATE tasks SET actual_end_time = now() WHERE id = ?", finished);
        long paused = task(1, "PAUSED", "paused by operator");

        assertThat(transitions.moveTask(finished, List.of(TaskStatus.FINISHED), TaskStatus.SENDING, "retry",
                TaskChange.reopen())).isTrue();
        transitions.note(paused, TaskStatus.PAUSED, "retry by operator: 2 failed deliveries back to pending");
        // a second move from FINISHED finds nothing to move: retries of the caller are harmless
        assertThat(transitions.moveTask(finished, List.of(TaskStatus.FINISHED), TaskStatus.SENDING, "retry",
                TaskChange.reopen())).isFalse();

        assertThat(row(finished)).containsEntry("status", "SENDING").containsEntry("actual_end_time", null);
        assertThat(log(finished)).containsExactly("FINISHED -> SENDING: retry");
        assertThat(row(paused)).containsEntry("status", "PAUSED");
        assertThat(log(paused)).containsExactly("PAUSED -> PAUSED: retry by operator: 2 failed deliveries back to "
                + "pending");
    }

    @Test
    void pauseReasonsReadStoredTextsAndOnlyServiceWaitsHoldQuota() {
        assertThat(PauseReason.of("当前没有发信额度")).isEqualTo(PauseReason.NO_USER_QUOTA);
        assertThat(PauseReason.of("当前可用的发信服务额度已用完，请等待第二天恢复")).isEqualTo(PauseReason.QUOTA_USED_UP);
        assertThat(PauseReason.of("paused by operator: later")).isEqualTo(PauseReason.BY_OPERATOR);
        assertThat(PauseReason.of(null)).isNull();
        assertThat(TaskStatus.holdsQuota("SENDING", null)).isTrue();
        assertThat(TaskStatus.holdsQuota("PAUSED", "当前没有可用发信服务")).isTrue();
        assertThat(TaskStatus.holdsQuota("PAUSED", "当前没有发信额度")).isFalse();
        assertThat(TaskStatus.holdsQuota("PAUSED", "paused by operator")).isFalse();
        assertThat(TaskStatus.holdsQuota("FINISHED", null)).isFalse();
    }

    private long task(int seq, String status, String pauseReason) {
        long set = jdbc.queryForObject("INSERT INTO template_sets (owner_id, name) VALUES (?, 's') RETURNING id",
                Long.class, owner);
        return jdbc.queryForObject("""
                INSERT INTO tasks (campaign_id, owner_id, seq, name, plan_time, status, pause_reason, template_set_id,
                                   sender_name)
                VALUES (?, ?, ?, 't', now(), ?, ?, ?, 'news') RETURNING id""", Long.class, campaign, owner, seq,
                status, pauseReason, set);
    }

    private Map<String, Object> row(long task) {
        return jdbc.queryForMap("SELECT status, pause_reason, actual_end_time FROM tasks WHERE id = ?", task);
    }

    private List<String> log(long task) {
        return jdbc.queryForList("SELECT from_status || ' -> ' || to_status || ': ' || reason FROM task_execution_log "
                + "WHERE task_id = ? ORDER BY id", String.class, task);
    }
}
