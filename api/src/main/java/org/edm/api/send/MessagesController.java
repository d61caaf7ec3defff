package org.edm.api.send;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.edm.api.support.PageView;
import org.edm.api.support.Paging;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.OffsetDateTime;

/**
 * The caller's API messages: under {@code /api/v1} for the developer API (an API key), under {@code /v1} for the
 * console (a session), so a leaked key never reads through the console's paths and a session never through the
 * key's. Both show only the caller's own messages.
 */
@RestController
class MessagesController {

    private static final String STATUS_VALUES = "queued, sending, sent, failed, unknown";

    private final MessageReads reads;

    MessagesController(MessageReads reads) {
        this.reads = reads;
    }

    @GetMapping("/api/v1/messages/{id}")
    @Operation(tags = "Developer API", security = @SecurityRequirement(name = "bearer"),
            summary = "A message's status and events (sent, opens, clicks, bounces); 404 for another user's")
    @Transactional(readOnly = true)
    MessageView message(@PathVariable String id) {
        return reads.message(id);
    }

    @GetMapping("/api/v1/messages")
    @Operation(tags = "Developer API", security = @SecurityRequirement(name = "bearer"),
            summary = "Your messages, newest first; every filter is optional")
    @Transactional(readOnly = true)
    PageView<MessageSummary> list(
            @Parameter(schema = @Schema(allowableValues = {"queued", "sending", "sent", "failed", "unknown"}))
            @RequestParam(required = false) String status,
            @Parameter(description = "a campaign's public id") @RequestParam(name = "campaign_id", required = false)
            @Size(max = 64) String campaignId,
            @Parameter(description = "a recipient address (any case)") @RequestParam(required = false)
            @Size(max = 320) String to,
            @RequestParam(required = false) @Size(max = 64) String tag,
            @Parameter(description = "created at or after") @RequestParam(required = false) OffsetDateTime from,
            @Parameter(description = "created before") @RequestParam(required = false) OffsetDateTime until,
            @RequestParam(defaultValue = "0") @Min(0) @Max(Paging.MAX_PAGE) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(Paging.MAX_SIZE) int size) {
        return reads.list(new MessageReads.Filter(status, campaignId, to, tag, from, until), page, size);
    }

    @GetMapping("/v1/messages/{id}")
    @Operation(tags = "Messages", summary = "One of your API messages with its events (the console's view)")
    @Transactional(readOnly = true)
    MessageView consoleMessage(@PathVariable String id) {
        return reads.message(id);
    }

    @GetMapping("/v1/messages")
    @Operation(tags = "Messages", summary = "Your API messages, newest first (the console's view); every filter is "
            + "optional; status is one of " + STATUS_VALUES)
    @Transactional(readOnly = true)
    PageView<MessageSummary> consoleList(
            @Parameter(schema = @Schema(allowableValues = {"queued", "sending", "sent", "failed", "unknown"}))
            @RequestParam(required = false) String status,
            @RequestParam(name = "campaign_id", required = false) @Size(max = 64) String campaignId,
            @RequestParam(required = false) @Size(max = 320) String to,
            @RequestParam(required = false) @Size(max = 64) String tag,
            @RequestParam(required = false) OffsetDateTime from,
            @RequestParam(required = false) OffsetDateTime until,
            @RequestParam(defaultValue = "0") @Min(0) @Max(Paging.MAX_PAGE) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(Paging.MAX_SIZE) int size) {
        return list(status, campaignId, to, tag, from, until, page, size);
    }
}
