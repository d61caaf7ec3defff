package org.edm.api.dashboard;

import jakarta.annotation.Nullable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.InvalidInputException;
import org.edm.domain.sender.SenderService;
import org.edm.domain.task.TaskStatus;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * The operator's dashboard (F22 用户Dashboard): remaining quota, the tasks that are running or paused with their
 * counts, and today's sends and failures, all of the signed-in user only (INV-5). "Today" is the calendar day in
 * {@code time_zone} (default Beijing time, the zone the customer plans in).
 */
@RestController
@Tag(name = "Dashboard", description = "What the signed-in user needs at a glance")
class DashboardController {

    // The delivery statements are constants so that bin/bench readers times exactly these (ReadersBenchmark).
    static final String TODAY = """
            SELECT count(*) FILTER (WHERE d.status = 'SENT' AND d.sent_at >= :since),
                   count(*) FILTER (WHERE d.status = 'FAILED' AND d.updated_at >= :since),
                   count(*) FILTER (WHERE d.status = 'UNKNOWN' AND d.updated_at >= :since)
              FROM tasks t JOIN deliveries d ON d.task_id = t.id
             WHERE t.owner_id = :user AND t.actual_start_time IS NOT NULL
               AND (t.actual_end_time IS NULL OR t.actual_end_time >= :since)
               AND d.status IN ('SENT', 'FAILED', 'UNKNOWN')
            """;
    static final String RUNNING_TASKS = """
            SELECT t.id, t.campaign_id, c.name, t.name, t.status, t.pause_reason, t.actual_start_time,
                   count(d.id) FILTER (WHERE d.status = 'PENDING'),
                   count(d.id) FILTER (WHERE d.status = 'SENT'),
                   count(d.id) FILTER (WHERE d.status = 'FAILED')
              FROM tasks t JOIN campaigns c ON c.id = t.campaign_id
              LEFT JOIN deliveries d ON d.task_id = t.id
             WHERE t.owner_id = :user AND t.status IN %s
             GROUP BY t.id, c.name ORDER BY t.actual_start_time NULLS LAST, t.id LIMIT 100
            """.formatted(TaskStatus.sql(TaskStatus.RUNNING));

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;

    DashboardController(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
    }

    record Dashboard(long quotaBalance, String timeZone, LocalDate date, Today today, Services senderServices,
                     List<RunningTask> runningTasks) {
    }

    record Today(long sent, long failed, long unknown) {
    }

    record Services(long usable, long frozen, long disabled) {
    }

    record RunningTask(long id, long campaignId, String campaignName, String name, String status,
                       @Nullable String pauseReason,
                       @Nullable OffsetDateTime actualStartTime, long pending, long sent, long failed) {
    }

    @GetMapping("/v1/me/dashboard")
    @Transactional(readOnly = true)
    @Operation(summary = "Remaining quota, running tasks, today's sends and failures of the signed-in user")
    Dashboard dashboard(@RequestParam(name = "time_zone", defaultValue = "Asia/Shanghai") String timeZone) {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new InvalidInputException("time_zone", "is not a time zone id such as Asia/Shanghai");
        }
        LocalDate date = LocalDate.now(zone);
        MapSqlParameterSource p = new MapSqlParameterSource("user", currentUser.id())
                .addValue("since", date.atStartOfDay(zone).toOffsetDateTime());
        long balance = jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = :user", p, Long.class);
        Today today = jdbc.queryForObject(TODAY, p, (rs, i) -> new Today(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
        Services services = jdbc.queryForObject("""
                SELECT count(*) FILTER (WHERE %s),
                       count(*) FILTER (WHERE s.enabled AND s.health_status = 'FROZEN'),
                       count(*) FILTER (WHERE NOT s.enabled)
                  FROM user_sender_service_access a JOIN sender_services s ON s.id = a.sender_service_id
                 WHERE a.user_id = :user
                """.formatted(SenderService.USABLE_SQL), p, (rs, i) -> new Services(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
        List<RunningTask> running = jdbc.query(RUNNING_TASKS, p, (rs, i) -> new RunningTask(rs.getLong(1),
                rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getObject(7, OffsetDateTime.class), rs.getLong(8),
                rs.getLong(9), rs.getLong(10)));
        return new Dashboard(balance, zone.getId(), date, today, services, running);
    }
}
