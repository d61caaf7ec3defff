package org.edm.api.outgoingwebhook;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.edm.api.outgoingwebhook.WebhookEndpointViews.DeliveryView;
import org.edm.api.outgoingwebhook.WebhookEndpointViews.EndpointView;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/v1/webhooks")
@Tag(name = "Outgoing webhooks", description = "Your endpoints that receive signed events (Standard Webhooks: "
        + "webhook-id, webhook-timestamp, webhook-signature = v1,base64(HMAC-SHA256)), their delivery logs and replay")
class OutgoingWebhookController {

    private final OutgoingWebhooks webhooks;

    OutgoingWebhookController(OutgoingWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register an endpoint",
            description = "Answers the endpoint with its whsec_ signing secret, which is shown this once. Events "
                    + "of the chosen types are queued from now on and POSTed by the workflow webhook-endpoint-{id}, "
                    + "in order, retried with doubling waits (10 s up to 2 h) for 24 h after a non-2xx answer.")
    @ApiResponse(responseCode = "201", description = "Registered; `secret` is in this answer only")
    @ApiResponse(responseCode = "400", description = "Not an https URL, a local/private/loopback host, an unknown "
            + "event type, or no event type")
    @ApiResponse(responseCode = "503", description = "Temporal unreachable; nothing was registered")
    EndpointView create(@Valid @RequestBody WebhookEndpointRequest request) {
        return webhooks.create(request);
    }

    @GetMapping
    @Operation(summary = "Your endpoints (never their secrets)")
    List<EndpointView> list() {
        return webhooks.list();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One endpoint, with how many events wait and how many were given up on")
    @ApiResponse(responseCode = "200", description = "The endpoint (never its secret)")
    @ApiResponse(responseCode = "404", description = "No such endpoint of yours")
    EndpointView get(@PathVariable long id) {
        return webhooks.get(id);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Change URL, description, event types or enabled",
            description = "Queued events go to the new URL; a waiting retry is tried at once. Disabling stops new "
                    + "events being queued and holds the queue until enabled again.")
    @ApiResponse(responseCode = "200", description = "The changed endpoint")
    @ApiResponse(responseCode = "400", description = "As for create")
    @ApiResponse(responseCode = "404", description = "No such endpoint of yours")
    EndpointView update(@PathVariable long id, @Valid @RequestBody WebhookEndpointRequest request) {
        return webhooks.update(id, request);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete an endpoint with its queue and log")
    @ApiResponse(responseCode = "404", description = "No such endpoint of yours")
    void delete(@PathVariable long id) {
        webhooks.delete(id);
    }

    @PostMapping("/{id}/rotate-secret")
    @Operation(summary = "Replace the signing secret",
            description = "Answers the new secret, shown this once; every call from now on (retries included) is "
                    + "signed with it.")
    @ApiResponse(responseCode = "200", description = "The endpoint with its new `secret`")
    @ApiResponse(responseCode = "404", description = "No such endpoint of yours")
    EndpointView rotateSecret(@PathVariable long id) {
        return webhooks.rotateSecret(id);
    }

    @GetMapping("/{id}/deliveries")
    @Operation(summary = "The delivery log, newest first: status, attempts, last HTTP status, next attempt")
    @ApiResponse(responseCode = "200", description = "The entries, newest first")
    @ApiResponse(responseCode = "400", description = "Unknown status or limit outside 1..200")
    @ApiResponse(responseCode = "404", description = "No such endpoint of yours")
    List<DeliveryView> deliveries(@PathVariable long id,
                                  @Parameter(description = "PENDING, DELIVERED or FAILED")
                                  @RequestParam(required = false) String status,
                                  @Parameter(description = "Only entries with a smaller id (paging back)")
                                  @RequestParam(name = "before_id", required = false) Long beforeId,
                                  @RequestParam(defaultValue = "50") int limit) {
        return webhooks.deliveries(id, status, beforeId, limit);
    }

    @GetMapping("/{id}/deliveries/{deliveryId}")
    @Operation(summary = "One entry of the delivery log")
    @ApiResponse(responseCode = "200", description = "The entry")
    @ApiResponse(responseCode = "404", description = "No such endpoint or entry of yours")
    DeliveryView delivery(@PathVariable long id, @PathVariable long deliveryId) {
        return webhooks.delivery(id, deliveryId);
    }

    @PostMapping("/{id}/deliveries/{deliveryId}/replay")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Send an event again",
            description = "Queues a copy (same body and webhook-id, so receivers can deduplicate) at the end of "
                    + "the endpoint's queue; it is delivered with the usual retries.")
    @ApiResponse(responseCode = "202", description = "The new log entry, PENDING")
    @ApiResponse(responseCode = "404", description = "No such endpoint or entry of yours")
    DeliveryView replay(@PathVariable long id, @PathVariable long deliveryId) {
        return webhooks.replay(id, deliveryId);
    }
}
