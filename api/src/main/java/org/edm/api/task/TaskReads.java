package org.edm.api.task;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.edm.api.temporal.TemporalGateway.QueryAnswer;
import org.edm.domain.task.TaskStatus;
import org.edm.workflows.task.TaskProgress;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/** What an operator reads about one task beyond its view: the execution log, the failures, the progress. */
@Service
class TaskReads {

    private final OwnedTasks owned;
    private final TaskRuns runs;
    private final NamedParameterJdbcTemplate jdbc;

    TaskReads(OwnedTasks owned, TaskRuns runs, NamedParameterJdbcTemplate jdbc) {
        this.owned = owned;
        this.runs = runs;
        this.jdbc = jdbc;
    }

    // The statements are constants so that bin/bench readers times exactly these (ReadersBenchmark).
    static final String LOG = """
            SELECT id, from_status, to_status, reason, at FROM task_execution_log WHERE task_id = :id ORDER BY id
            """;
    static final String FAILURES = """
            SELECT c.email, c.nickname, d.error, d.updated_at
              FROM deliveries d LEFT JOIN contacts c ON c.id = d.contact_id
             WHERE d.task_id = :id AND d.status = 'FAILED'
             ORDER BY d.id
            """;
    static final String PROGRESS_BY_TEMPLATE = """
            SELECT d.template_id, t.name, count(*) AS total,
                   count(*) FILTER (WHERE d.status = 'SENT') AS sent,
                   count(*) FILTER (WHERE d.status = 'FAILED') AS failed
              FROM deliveries d LEFT JOIN templates t ON t.id = d.template_id
             WHERE d.task_id = :id
             GROUP BY d.template_id, t.name ORDER BY d.template_id
            """;

    List<TaskLogEntry> log(long id) {
        owned.find(id);
        return jdbc.query(LOG, Map.of("id", id), (rs, i) -> new TaskLogEntry(rs.getLong("id"), rs.getString("from_status"),
                rs.getString("to_status"), rs.getString("reason"), rs.getTimestamp("at").toInstant()));
    }

    /**
     * The task's FAILED deliveries as CSV (email, nickname, error, time), written row by row from the cursor so a
     * long list is never held in memory.
     */
    void writeFailures(long id, Writer out) throws IOException {
        try (CSVPrinter csv = CSVFormat.DEFAULT.builder()
                .setHeader("email", "nickname", "error", "time").get().print(out)) {
            jdbc.query(FAILURES, Map.of("id", id), rs -> {
                try {
                    csv.printRecord(rs.getString("email"), rs.getString("nickname"), rs.getString("error"),
                            rs.getTimestamp("updated_at").toInstant().toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    TaskProgressView progress(long id) {
        TaskView task = owned.view(id);
        List<TaskProgressView.TemplateCount> byTemplate = jdbc.query(PROGRESS_BY_TEMPLATE, Map.of("id", id), (rs, i) -> new TaskProgressView.TemplateCount(
                (Long) rs.getObject("template_id", Long.class), rs.getString("name"), rs.getLong("total"),
                rs.getLong("sent"), rs.getLong("failed")));
        TaskProgressView.Live live = null;
        String note = null;
        if (TaskStatus.RUNNING.contains(task.status())) {
            QueryAnswer<TaskProgress> answer = runs.progress(id);
            if (answer.answered()) {
                TaskProgress p = answer.value();
                live = new TaskProgressView.Live(p.state(), p.pauseReason(), p.audienceSize());
            } else {
                note = "live progress unavailable: " + answer.reason();
            }
        }
        DeliveryCountsView d = task.deliveries();
        return new TaskProgressView(id, task.status(), task.pauseReason(), task.planTime(), task.actualStartTime(),
                task.actualEndTime(), task.audienceSize(), d.sent() + d.failed() + d.unknown(), d, byTemplate, live,
                note);
    }

    void requireTask(long id) {
        owned.find(id);
    }
}
