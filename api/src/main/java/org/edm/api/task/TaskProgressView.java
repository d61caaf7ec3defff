package org.edm.api.task;

import org.edm.domain.task.TaskStatus;

import java.time.Instant;
import java.util.List;

/**
 * Where a task stands: status and pause reason (from PostgreSQL, which the send path obeys), planned audience (the
 * recipients resolved when it started, suppressed ones included) vs actual (deliveries the providers were asked to
 * send: sent + failed + unknown), counts by delivery state and by template (a free A/B view), plan vs actual times,
 * and — while its workflow runs — the workflow's own answer to its {@code progress} query.
 */
record TaskProgressView(long id, TaskStatus status, String pauseReason, Instant planTime, Instant actualStartTime,
                        Instant actualEndTime, Integer plannedAudience, long actualAudience,
                        DeliveryCountsView deliveries, List<TemplateCount> byTemplate, Live live, String liveNote) {

    record TemplateCount(Long templateId, String templateName, long total, long sent, long failed) {
    }

    /** The task workflow's {@code progress} query answer. */
    record Live(String state, String pauseReason, int audienceSize) {
    }
}
