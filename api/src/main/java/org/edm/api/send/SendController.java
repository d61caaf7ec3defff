package org.edm.api.send;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The developer API (seed 004 flow 2), authenticated with an API key as the bearer token. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Developer API", description = "Transactional sending with an API key (Authorization: Bearer edm_live_...)")
class SendController {

    private final ApiSends sends;
    /** Registered once: a registry lookup per request showed in the send's profile. */
    private final Counter queued;
    private final Counter replayed;

    SendController(ApiSends sends, MeterRegistry meters) {
        this.sends = sends;
        this.queued = messages(meters, "queued");
        this.replayed = messages(meters, "replayed");
    }

    private static Counter messages(MeterRegistry meters, String result) {
        return Counter.builder("edm.api.send.messages")
                .description("Messages queued through POST /api/v1/send (one per recipient); replayed: an "
                        + "Idempotency-Key repeat that queued nothing new")
                .tag("result", result)
                .register(meters);
    }

    @PostMapping("/send")
    @Operation(summary = "Queue an e-mail to one or more recipients (one message per recipient); 202 at once",
            description = "Checked in this order: the API key (401), quota (402: the balance is below the number of "
                    + "recipients), from (400: not one of your NORMAL sender mailboxes), the other fields (400, each "
                    + "named in errors). The worker takes one quota unit per recipient when it sends, adds the open "
                    + "pixel and signed click links, and sends through the mailbox's DirectMail SMTP login. With an "
                    + "Idempotency-Key (kept 24 h) a repeat of the same body returns the first answer "
                    + "(Idempotent-Replayed: true) and a different body is 422. An unknown campaign_id creates that "
                    + "campaign (origin API).",
            security = @SecurityRequirement(name = "bearer"),
            responses = {
                    @ApiResponse(responseCode = "202", description = "queued"),
                    @ApiResponse(responseCode = "400", description = "from is not an active mailbox of yours, or "
                            + "invalid fields (errors names each)",
                            content = @Content(schema = @Schema(implementation = ProblemDetail.class))),
                    @ApiResponse(responseCode = "401", description = "missing, invalid or revoked API key",
                            content = @Content(schema = @Schema(implementation = ProblemDetail.class))),
                    @ApiResponse(responseCode = "402", description = "no quota left (needed, balance)",
                            content = @Content(schema = @Schema(implementation = ProblemDetail.class))),
                    @ApiResponse(responseCode = "422", description = "Idempotency-Key reused with another body",
                            content = @Content(schema = @Schema(implementation = ProblemDetail.class)))})
    ResponseEntity<ApiSends.Accepted> send(
            @RequestBody SendRequest request,
            @Parameter(description = "any unique string (e.g. a UUID); a repeat within 24 h is not sent again")
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        ApiSends.Outcome outcome = sends.send(request, idempotencyKey);
        // refusals (400/401/402/422) show in http.server.requests{uri="/api/v1/send",status}
        (outcome.replayed() ? replayed : queued).increment(outcome.accepted().messages().size());
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.ACCEPTED);
        if (outcome.replayed()) {
            answer.header("Idempotent-Replayed", "true");
        }
        return answer.body(outcome.accepted());
    }
}
