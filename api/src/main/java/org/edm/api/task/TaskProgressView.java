package org.edm.api.task;

import jakarta.annotation.Nullable;
import org.edm.domain.task.TaskStatus;

import java.time.Instant;
import java.util.List;

/**
 * Where a task stands: status and pause reason (from PostgreSQL, which the send path obeys), planned audience (the
 * recipients resolved when it started, suppressed ones included) vs actual (deliveries the providers were asked to
 * send: sent + failed + unknown), counts by delivery state and by template (a free A/B view), plan vs actual times,
 * and — while its workflow runs — the workflow's own answer to its {@code progress} query.
 */
record TaskProgressView(long id, TaskStatus status, @Nullable String pauseReason, Instant planTime,
                        @Nullable Instant actualStartTime,
                        @Nullable Instant actualEndTime, @Nullable Integer plannedAudience, long actualAudience,
                        DeliveryCountsView deliveries, List<TemplateCount> byTemplate, @Nullable Live live,
                        @Nullable String liveNote) {

    record TemplateCount(@Nullable Long templateId, @Nullable String templateName, long total, long sent, long failed) {
    }

    /** The task workflow's {@code progress} query answer. */
    record Live(@Nullable String state, @Nullable String pauseReason, int audienceSize) {
    }
}
