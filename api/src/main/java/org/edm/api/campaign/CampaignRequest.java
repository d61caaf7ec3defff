package org.edm.api.campaign;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.edm.api.support.EmailLocalPart;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A campaign and its tasks. Task n (0-based) is planned at {@code start_time + n × interval_days} days unless it
 * gives its own {@code plan_time}.
 */
record CampaignRequest(
        @NotBlank @Size(max = 255) String name,
        @NotNull @Schema(example = "2026-03-01T09:00:00+08:00") OffsetDateTime startTime,
        @NotNull @PositiveOrZero @Max(3650) @Schema(description = "days between consecutive tasks", example = "2")
        Integer intervalDays,
        @NotEmpty(message = "must contain at least one task") @Size(max = 100) List<@NotNull @Valid TaskPlan> tasks) {

    record TaskPlan(
            @NotBlank @Size(max = 255) String name,
            @Schema(description = "default: start_time + n × interval_days days") OffsetDateTime planTime,
            @NotNull @Valid RecipientRule recipientRule,
            @NotNull Long templateSetId,
            @NotBlank @EmailLocalPart @Schema(description = "local part of the From address", example = "news")
            String senderName) {
    }
}
