package org.edm.api.campaign;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.edm.api.support.EmailLocalPart;
import org.edm.api.task.RecipientRule;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A campaign and its tasks. Task n (0-based) is planned at {@code start_time + n × interval_days} days unless it
 * gives its own {@code plan_time}. A name alone (no start_time, interval_days or tasks) creates a campaign that only
 * groups API sends under its public id; otherwise all three are required (checked by the planner, with the same
 * messages Bean Validation would give).
 */
record CampaignRequest(
        @NotBlank @Size(max = 255) String name,
        @Schema(example = "2026-03-01T09:00:00+08:00", description = "required unless only a name is given")
        OffsetDateTime startTime,
        @PositiveOrZero @Max(3650)
        @Schema(description = "days between consecutive tasks; required unless only a name is given", example = "2")
        Integer intervalDays,
        @Size(max = 100) @Schema(description = "at least one; required unless only a name is given")
        List<@NotNull @Valid TaskPlan> tasks) {

    static final String NO_TASKS = "must contain at least one task";

    /** Only a name: a campaign to group API sends, with no schedule of its own. */
    boolean nameOnly() {
        return startTime == null && intervalDays == null && tasks == null;
    }

    record TaskPlan(
            @NotBlank @Size(max = 255) String name,
            @Schema(description = "default: start_time + n × interval_days days") OffsetDateTime planTime,
            @NotNull @Valid RecipientRule recipientRule,
            @NotNull Long templateSetId,
            @NotBlank @EmailLocalPart @Schema(description = "local part of the From address", example = "news")
            String senderName) {
    }
}
