package org.edm.api.task;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.edm.api.support.EmailLocalPart;

import java.time.OffsetDateTime;

/**
 * One task of a campaign, added or edited on its own ({@code POST /v1/tasks}, {@code PUT /v1/tasks/{id}}).
 * {@code campaign_id} is required to add and must not change on edit.
 */
record TaskRequest(
        @Schema(description = "required on POST; on PUT, if given, must be the task's campaign") Long campaignId,
        @NotBlank @Size(max = 255) String name,
        @NotNull @Schema(example = "2026-03-01T09:00:00+08:00") OffsetDateTime planTime,
        @NotNull @Valid RecipientRule recipientRule,
        @NotNull Long templateSetId,
        @NotBlank @EmailLocalPart @Schema(description = "local part of the From address", example = "news")
        String senderName) {
}
