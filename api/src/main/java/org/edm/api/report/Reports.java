package org.edm.api.report;

import jakarta.annotation.Nullable;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Types;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** Per recipient: when it first saw each kind of event the report counts (null: never). */
    private static final String FIRSTS = """
                       min(occurred_at) FILTER (WHERE (type = 'OPEN' AND NOT machine) OR type = 'CLICK') AS opened_at,
                       min(occurred_at) FILTER (WHERE type = 'CLICK') AS clicked_at,
                       min(occurred_at) FILTER (WHERE type = 'REPLY') AS replied_at,
                       min(occurred_at) FILTER (WHERE type = 'UNSUBSCRIBE') AS unsubscribed_at,
                       min(occurred_at) FILTER (WHERE type = 'BOUNCE'
                                                  AND coalesce((details ->> 'hard')::boolean, TRUE)) AS bounced_at
            """;

    /**
     * The recipients of tasks {@code :tasks} (and, with {@code :campaign} not null, the campaign's API messages) with
     * their first times, counted into buckets of {@code :unit} in time zone {@code :zone}. Same filters as
     * {@link #COUNTS} and {@link #API_COUNTS} (sent and bounced only for SENT recipients), so sums equal totals.
     */
    private static final String TIMELINE = """
            WITH e AS (
                SELECT delivery_id,
            %1$s      FROM event_log
                 WHERE task_id IN (:tasks) AND delivery_id IS NOT NULL
                   AND type IN ('OPEN', 'CLICK', 'REPLY', 'UNSUBSCRIBE', 'BOUNCE')
                 GROUP BY delivery_id
            ), m AS (
                SELECT message_id,
            %1$s      FROM event_log
                 WHERE campaign_id = :campaign AND message_id IS NOT NULL
                   AND type IN ('OPEN', 'CLICK', 'REPLY', 'UNSUBSCRIBE', 'BOUNCE')
                 GROUP BY message_id
            ), f AS (
                SELECT r.status, r.sent_at, e.bounced_at, e.opened_at, e.clicked_at, e.replied_at, e.unsubscribed_at
                  FROM deliveries r LEFT JOIN e ON e.delivery_id = r.id
                 WHERE r.task_id IN (:tasks)
                UNION ALL
                SELECT r.status, r.sent_at, m.bounced_at, m.opened_at, m.clicked_at, m.replied_at, m.unsubscribed_at
                  FROM api_messages r LEFT JOIN m ON m.message_id = r.id
                 WHERE r.campaign_id = :campaign
            )
            SELECT date_trunc(:unit, k.at AT TIME ZONE :zone) AS bucket,
                   count(*) FILTER (WHERE k.kind = 'sent') AS sent,
                   count(*) FILTER (WHERE k.kind = 'bounced') AS bounced,
                   count(*) FILTER (WHERE k.kind = 'opened') AS opened,
                   count(*) FILTER (WHERE k.kind = 'clicked') AS clicked,
                   count(*) FILTER (WHERE k.kind = 'replied') AS replied,
                   count(*) FILTER (WHERE k.kind = 'unsubscribed') AS unsubscribed
              FROM f CROSS JOIN LATERAL (VALUES
                       ('sent', CASE WHEN f.status = 'SENT' THEN f.sent_at END),
                       ('bounced', CASE WHEN f.status = 'SENT' THEN f.bounced_at END),
                       ('opened', f.opened_at), ('clicked', f.clicked_at), ('replied', f.replied_at),
                       ('unsubscribed', f.unsubscribed_at)) AS k(kind, at)
             WHERE k.at IS NOT NULL
             GROUP BY 1
             ORDER BY 1
            """.formatted(FIRSTS);

    /** Bounds the answer (and the chart): 2,000 hours is about 83 days; longer spans ask for bucket=day. */
    static final int MAX_BUCKETS = 2000;

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;

    Reports(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
    }

    @Transactional(readOnly = true)
    public ReportViews.TaskReport task(long taskId) {
        return taskReport(ownedTask(taskId));
    }

    @Transactional(readOnly = true)
    public ReportViews.CampaignReport campaign(long campaignId) {
        Map<String, Object> c = ownedCampaign(campaignId);
        List<Map<String, Object>> tasks = campaignTasks(campaignId);
        List<ReportViews.TaskReport> byTask = new ArrayList<>();
        tasks.forEach(t -> byTask.add(taskReport(t)));
        Counted all = counts(tasks.stream().map(t -> ((Number) t.get("id")).longValue()).toList());
        ReportCounts api = jdbc.queryForObject(API_COUNTS, Map.of("campaign", campaignId), (rs, i) ->
                ReportCounts.of(rs.getLong("audience"), rs.getLong("sent"), rs.getLong("failed"),
                        rs.getLong("bounced"), rs.getLong("opened"), rs.getLong("clicked"), rs.getLong("replied"),
                        rs.getLong("unsubscribed"), rs.getLong("opens"), rs.getLong("machine_opens")));
        return new ReportViews.CampaignReport(campaignId, (String) c.get("name"), (String) c.get("status"),
                all.totals().plus(api), all.byTemplate(), byTask, api);
    }

    @Transactional(readOnly = true)
    public ReportTimeline taskTimeline(long taskId, String bucket, String timeZone) {
        ownedTask(taskId);
        return timeline(List.of(taskId), null, bucket, timeZone);
    }

    /** The campaign's tasks' deliveries and its API messages, like the campaign report's totals. */
    @Transactional(readOnly = true)
    public ReportTimeline campaignTimeline(long campaignId, String bucket, String timeZone) {
        ownedCampaign(campaignId);
        List<Long> tasks = campaignTasks(campaignId).stream().map(t -> ((Number) t.get("id")).longValue()).toList();
        return timeline(tasks, campaignId, bucket, timeZone);
    }

    private ReportTimeline timeline(List<Long> taskIds, @Nullable Long campaignId, String bucket, String timeZone) {
        ChronoUnit unit = switch (bucket) {
            case "hour" -> ChronoUnit.HOURS;
            case "day" -> ChronoUnit.DAYS;
            default -> throw new InvalidInputException("bucket", "must be hour or day");
        };
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new InvalidInputException("time_zone", "must be a time zone id such as Asia/Shanghai");
        }
        Map<LocalDateTime, long[]> rows = new LinkedHashMap<>();
        MapSqlParameterSource params = new MapSqlParameterSource()
                // IN () is invalid SQL; -1 matches no task
                .addValue("tasks", taskIds.isEmpty() ? List.of(-1L) : taskIds)
                .addValue("campaign", campaignId, Types.BIGINT)
                .addValue("unit", bucket).addValue("zone", zone.getId());
        jdbc.query(TIMELINE, params, rs -> {
            rows.put(rs.getTimestamp("bucket").toLocalDateTime(), new long[] {rs.getLong("sent"),
                    rs.getLong("bounced"), rs.getLong("opened"), rs.getLong("clicked"), rs.getLong("replied"),
                    rs.getLong("unsubscribed")});
        });
        List<ReportTimeline.Point> points = new ArrayList<>();
        if (!rows.isEmpty()) {
            LocalDateTime first = rows.keySet().iterator().next();
            LocalDateTime last = first;
            for (LocalDateTime t : rows.keySet()) {
                last = t;
            }
            long buckets = unit.between(first, last) + 1;
            if (buckets > MAX_BUCKETS) {
                throw new InvalidInputException("bucket", "the report spans " + buckets + " " + bucket
                        + "s, more than " + MAX_BUCKETS + "; ask for bucket=day");
            }
            long[] zeros = new long[6];
            for (LocalDateTime t = first; !t.isAfter(last); t = t.plus(1, unit)) {
                long[] v = rows.getOrDefault(t, zeros);
                points.add(new ReportTimeline.Point(t.atZone(zone).toInstant(), v[0], v[1], v[2], v[3], v[4],
                        v[5]));
            }
        }
        return new ReportTimeline(bucket, zone.getId(), points);
    }

    private Map<String, Object> ownedTask(long taskId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT id, campaign_id, name, status FROM tasks WHERE id = :id AND (owner_id = :user OR :admin)
                """, owner().addValue("id", taskId));
        if (rows.isEmpty()) {
            throw NotFoundException.of("task", taskId);
        }
        return rows.get(0);
    }

    private Map<String, Object> ownedCampaign(long campaignId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT id, name, status FROM campaigns WHERE id = :id AND (owner_id = :user OR :admin)
                """, owner().addValue("id", campaignId));
        if (rows.isEmpty()) {
            throw NotFoundException.of("campaign", campaignId);
        }
        return rows.get(0);
    }

    private List<Map<String, Object>> campaignTasks(long campaignId) {
        return jdbc.queryForList(
                "SELECT id, campaign_id, name, status FROM tasks WHERE campaign_id = :id ORDER BY seq, id",
                Map.of("id", campaignId));
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
