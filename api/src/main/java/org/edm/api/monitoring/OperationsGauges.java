package org.edm.api.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.edm.domain.sender.QuotaDay;
import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.SendBatches;
import org.edm.domain.task.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges read from PostgreSQL (the system of record): a few aggregated queries on a schedule
 * ({@code edm.metrics.refresh}, 15 s), never per scrape or per row, so a scrape costs nothing and a busy database
 * is asked four small questions twice a minute. They live in the api, not the worker, because there is usually one
 * api and several workers: one copy of each series, no sum over instances that double-counts. Tags are bounded
 * (sender service id and provider, task status), never a user's or contact's data.
 */
@Component
class OperationsGauges {

    private static final Logger log = LoggerFactory.getLogger(OperationsGauges.class);
    private static final List<String> TASK_STATUSES =
            java.util.Arrays.stream(TaskStatus.values()).map(TaskStatus::name).toList();

    // The delivery statements are constants so that bin/bench readers times exactly these (ReadersBenchmark).
    /** PENDING is exactly "no claim token", each task's from its claim position on (PendingQueue). */
    static final String PENDING = """
            SELECT coalesce(sum((SELECT count(*) FROM deliveries d
                                  WHERE %s AND d.claim_token IS NULL)), 0)
              FROM tasks t""".formatted(PendingQueue.fromPosition("d", "t.id"));
    /** A task's first send, read through its send batches (SendBatches); only the tasks now sending are looked at. */
    static final String FIRST_SEND_LAG = """
            SELECT coalesce(max(extract(epoch FROM coalesce(%s, now()) - t.plan_time)), 0)::bigint
            FROM tasks t
            WHERE t.status = %s AND t.plan_time <= now()
            """.formatted(SendBatches.taskFirstSent("t.id"), TaskStatus.SENDING.sql());

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final AtomicLong pendingDeliveries = new AtomicLong();
    private final AtomicLong firstSendLagSeconds = new AtomicLong();
    private final MultiGauge quotaRemaining;
    private final MultiGauge frozen;
    private final MultiGauge tasks;

    OperationsGauges(JdbcTemplate jdbc, MeterRegistry meters, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.clock = clock.orElse(Clock.systemUTC());
        Gauge.builder("edm.deliveries.pending", pendingDeliveries, AtomicLong::get)
                .description("Deliveries waiting to be sent (PENDING), all tasks")
                .register(meters);
        Gauge.builder("edm.task.first.send.lag", firstSendLagSeconds, AtomicLong::get)
                .description("Longest wait, among tasks now SENDING, from plan_time to the task's first sent "
                        + "delivery (still counting while nothing is sent)")
                .baseUnit("seconds")
                .register(meters);
        quotaRemaining = MultiGauge.builder("edm.sender.service.quota.remaining")
                .description("Sends left today on each enabled sender service (its own quota day)")
                .register(meters);
        frozen = MultiGauge.builder("edm.sender.service.frozen")
                .description("1 while an enabled sender service is FROZEN by its failure threshold, else 0")
                .register(meters);
        tasks = MultiGauge.builder("edm.tasks")
                .description("Tasks by status")
                .register(meters);
    }

    @Scheduled(initialDelayString = "${edm.metrics.initial-delay:PT1S}", fixedDelayString = "${edm.metrics.refresh:PT15S}")
    void refresh() {
        try {
            refreshDeliveries();
            refreshServices();
            refreshTasks();
        } catch (RuntimeException e) {
            // a database hiccup leaves the last values; the next round tries again
            log.warn("metrics refresh failed: {}", e.toString());
        }
    }

    private void refreshDeliveries() {
        Long pending = jdbc.queryForObject(PENDING, Long.class);
        pendingDeliveries.set(pending == null ? 0 : pending);
        Long lag = jdbc.queryForObject(FIRST_SEND_LAG, Long.class);
        firstSendLagSeconds.set(lag == null ? 0 : Math.max(0, lag));
    }

    private void refreshServices() {
        Instant now = clock.instant();
        List<MultiGauge.Row<?>> quota = new ArrayList<>();
        List<MultiGauge.Row<?>> frozenRows = new ArrayList<>();
        jdbc.query("""
                SELECT id, provider, daily_quota, used_today, quota_day, reset_time, time_zone, health_status
                FROM sender_services WHERE enabled
                """, rs -> {
            Tags tags = Tags.of("sender_service", Long.toString(rs.getLong("id")), "provider", rs.getString("provider"));
            LocalDate quotaDay = rs.getObject("quota_day", LocalDate.class);
            // used_today belongs to quota_day; once the service's day has rolled over, the whole quota is left
            LocalDate today = QuotaDay.of(now, rs.getObject("reset_time", java.time.LocalTime.class),
                    QuotaDay.zone(rs.getString("time_zone")));
            int used = today.equals(quotaDay) ? rs.getInt("used_today") : 0;
            quota.add(MultiGauge.Row.of(tags, Math.max(0, rs.getInt("daily_quota") - used)));
            frozenRows.add(MultiGauge.Row.of(tags, "FROZEN".equals(rs.getString("health_status")) ? 1 : 0));
        });
        quotaRemaining.register(quota, true);
        frozen.register(frozenRows, true);
    }

    private void refreshTasks() {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.query("SELECT status, count(*) AS n FROM tasks GROUP BY status",
                rs -> {
                    counts.put(rs.getString("status"), rs.getLong("n"));
                });
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        // every status, zero included: a status that empties must drop to 0, not vanish from the graph
        for (String status : TASK_STATUSES) {
            rows.add(MultiGauge.Row.of(Tags.of("status", status), counts.getOrDefault(status, 0L)));
        }
        tasks.register(rows, true);
    }
}
