package org.edm.api.report;

import org.edm.api.security.CurrentUser;
import org.edm.api.support.NotFoundException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Task and campaign reports, computed from deliveries and event_log in one set-based query per report. */
@Component
class Reports {

    /** Per recipient (a delivery or an API message): did it see each kind of event, and how many opens. */
    private static final String ENGAGEMENT = """
                       bool_or((type = 'OPEN' AND NOT machine) OR type = 'CLICK') AS opened,
                       bool_or(type = 'CLICK') AS clicked,
                       bool_or(type = 'REPLY') AS replied,
                       bool_or(type = 'UNSUBSCRIBE') AS unsubscribed,
                       bool_or(type = 'BOUNCE' AND coalesce((details ->> 'hard')::boolean, TRUE)) AS bounced,
                       count(*) FILTER (WHERE type = 'OPEN') AS opens,
                       count(*) FILTER (WHERE type = 'OPEN' AND machine) AS machine_opens
            """;

    /** The report's figures over recipients {@code r} joined to their engagement {@code e}. */
    private static final String FIGURES = """
                   count(*) AS audience,
                   count(*) FILTER (WHERE r.status = 'SENT') AS sent,
                   count(*) FILTER (WHERE r.status = 'FAILED') AS failed,
                   count(*) FILTER (WHERE r.status = 'SENT' AND e.bounced) AS bounced,
                   count(*) FILTER (WHERE e.opened) AS opened,
                   count(*) FILTER (WHERE e.clicked) AS clicked,
                   count(*) FILTER (WHERE e.replied) AS replied,
                   count(*) FILTER (WHERE e.unsubscribed) AS unsubscribed,
                   coalesce(sum(e.opens), 0) AS opens,
                   coalesce(sum(e.machine_opens), 0) AS machine_opens
            """;

    /** Per delivery: did it see each kind of event; then summed per template and in total (grouping sets). */
    private static final String COUNTS = """
            WITH r AS (
                SELECT id, template_id, status FROM deliveries WHERE task_id IN (:tasks)
            ), e AS (
                SELECT delivery_id,
            %s      FROM event_log
                 WHERE task_id IN (:tasks) AND delivery_id IS NOT NULL
                   AND type IN ('OPEN', 'CLICK', 'REPLY', 'UNSUBSCRIBE', 'BOUNCE')
                 GROUP BY delivery_id
            )
            SELECT GROUPING(r.template_id) = 1 AS total, r.template_id, max(t.name) AS template_name,
            %s  FROM r
              LEFT JOIN e ON e.delivery_id = r.id
              LEFT JOIN templates t ON t.id = r.template_id
             GROUP BY GROUPING SETS ((r.template_id), ())
             ORDER BY total, r.template_id
            """.formatted(ENGAGEMENT, FIGURES);

    /** The same counts for a campaign's API messages (POST /api/v1/send with its campaign_id). */
    private static final String API_COUNTS = """
            WITH r AS (
                SELECT id, status FROM api_messages WHERE campaign_id = :campaign
            ), e AS (
                SELECT message_id,
            %s      FROM event_log
                 WHERE campaign_id = :campaign AND message_id IS NOT NULL
                   AND type IN ('OPEN', 'CLICK', 'REPLY', 'UNSUBSCRIBE', 'BOUNCE')
                 GROUP BY message_id
            )
            SELECT
            %s  FROM r LEFT JOIN e ON e.message_id = r.id
            """.formatted(ENGAGEMENT, FIGURES);

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;

    Reports(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
    }

    @Transactional(readOnly = true)
    public ReportViews.TaskReport task(long taskId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT id, campaign_id, name, status FROM tasks WHERE id = :id AND (owner_id = :user OR :admin)
                """, owner().addValue("id", taskId));
        if (rows.isEmpty()) {
            throw NotFoundException.of("task", taskId);
        }
        return taskReport(rows.get(0));
    }

    @Transactional(readOnly = true)
    public ReportViews.CampaignReport campaign(long campaignId) {
        List<Map<String, Object>> campaign = jdbc.queryForList("""
                SELECT id, name, status FROM campaigns WHERE id = :id AND (owner_id = :user OR :admin)
                """, owner().addValue("id", campaignId));
        if (campaign.isEmpty()) {
            throw NotFoundException.of("campaign", campaignId);
        }
        List<Map<String, Object>> tasks = jdbc.queryForList(
                "SELECT id, campaign_id, name, status FROM tasks WHERE campaign_id = :id ORDER BY seq, id",
                Map.of("id", campaignId));
        List<ReportViews.TaskReport> byTask = new ArrayList<>();
        tasks.forEach(t -> byTask.add(taskReport(t)));
        Counted all = counts(tasks.stream().map(t -> ((Number) t.get("id")).longValue()).toList());
        ReportCounts api = jdbc.queryForObject(API_COUNTS, Map.of("campaign", campaignId), (rs, i) ->
                ReportCounts.of(rs.getLong("audience"), rs.getLong("sent"), rs.getLong("failed"),
                        rs.getLong("bounced"), rs.getLong("opened"), rs.getLong("clicked"), rs.getLong("replied"),
                        rs.getLong("unsubscribed"), rs.getLong("opens"), rs.getLong("machine_opens")));
        Map<String, Object> c = campaign.get(0);
        return new ReportViews.CampaignReport(campaignId, (String) c.get("name"), (String) c.get("status"),
                all.totals().plus(api), all.byTemplate(), byTask, api);
    }

    private ReportViews.TaskReport taskReport(Map<String, Object> task) {
        long id = ((Number) task.get("id")).longValue();
        Counted counted = counts(List.of(id));
        return new ReportViews.TaskReport(id, ((Number) task.get("campaign_id")).longValue(),
                (String) task.get("name"), (String) task.get("status"), counted.totals(), counted.byTemplate());
    }

    private record Counted(ReportCounts totals, List<ReportViews.TemplateReport> byTemplate) {
    }

    private Counted counts(List<Long> taskIds) {
        ReportCounts empty = ReportCounts.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        if (taskIds.isEmpty()) {
            return new Counted(empty, List.of());
        }
        List<ReportViews.TemplateReport> byTemplate = new ArrayList<>();
        ReportCounts[] totals = {empty};
        jdbc.query(COUNTS, Map.of("tasks", taskIds), rs -> {
            ReportCounts counts = ReportCounts.of(rs.getLong("audience"), rs.getLong("sent"), rs.getLong("failed"),
                    rs.getLong("bounced"), rs.getLong("opened"), rs.getLong("clicked"), rs.getLong("replied"),
                    rs.getLong("unsubscribed"), rs.getLong("opens"), rs.getLong("machine_opens"));
            if (rs.getBoolean("total")) {
                totals[0] = counts;
            } else {
                byTemplate.add(new ReportViews.TemplateReport((Long) rs.getObject("template_id"),
                        rs.getString("template_name"), counts));
            }
        });
        return new Counted(totals[0], byTemplate);
    }

    private MapSqlParameterSource owner() {
        return new MapSqlParameterSource().addValue("user", currentUser.id()).addValue("admin", currentUser.isAdmin());
    }
}
