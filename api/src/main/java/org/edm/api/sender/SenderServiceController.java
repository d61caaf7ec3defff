package org.edm.api.sender;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;

@RestController
@RequestMapping("/v1/admin")
@Tag(name = "Sender services (admin)", description = "Provider accounts, their quota/throttle, and who may use them")
class SenderServiceController {

    private final SenderServiceAdmin admin;
    private final SenderServiceSignals signals;

    SenderServiceController(SenderServiceAdmin admin, SenderServiceSignals signals) {
        this.admin = admin;
        this.signals = signals;
    }

    @PostMapping("/sender-services")
    @Operation(summary = "Create a sender service; the creating admin may use it at once")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<SenderServiceView> create(@Valid @RequestBody SenderServiceRequest request) {
        SenderServiceView created = admin.create(request);
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(created.id()).toUri()).body(created);
    }

    @GetMapping("/sender-services")
    List<SenderServiceView> list() {
        return admin.list();
    }

    @GetMapping("/sender-services/{id}")
    @Operation(summary = "One service with its live state: remaining quota and sends today, active/frozen with "
            + "reason, consecutive failures, last error, and what its workflow is doing (cooling until...)")
    SenderServiceView get(@PathVariable long id) {
        admin.requireExists(id);
        // asked outside the transaction: a slow Temporal must not hold a database connection
        return admin.get(id, signals.live(id).orElse(null));
    }

    @PostMapping("/sender-services/{id}/unfreeze")
    @Operation(summary = "Unfreeze a frozen service by hand (it never thaws by itself)",
            description = "Clears the freeze and the failure streak, resolves its SENDER_SERVICE_FROZEN alert and tells "
                    + "sender-service-{id} to reload (configurationChanged).")
    SenderServiceView unfreeze(@PathVariable long id) {
        SenderServiceView view = admin.unfreeze(id);
        signals.configurationChanged(id);
        return view;
    }

    @PostMapping("/sender-services/{id}/quota-adjustments")
    @Operation(summary = "Set what is left of today's quota by hand (0..daily_quota)")
    SenderServiceView adjustQuota(@PathVariable long id, @Valid @RequestBody QuotaAdjustment request) {
        SenderServiceView view = admin.setRemainingToday(id, request.remainingToday());
        signals.configurationChanged(id);
        return view;
    }

    record QuotaAdjustment(@NotNull @jakarta.validation.constraints.PositiveOrZero Integer remainingToday) {
    }

    @PutMapping("/sender-services/{id}")
    @Operation(summary = "Replace a service's settings; omit smtp.password to keep the stored one",
            description = "A running sender-service-{id} workflow is told to reload (configurationChanged). "
                    + "A stored secret is kept only while the service keeps pointing where it did: changing the SMTP "
                    + "host, port or username or turning TLS off needs smtp.password; a new or re-pointed IMAP "
                    + "mailbox (host, port, username, ssl) needs smtp.imap.password unless a new smtp.password is "
                    + "given for it to fall back to; Aliyun access_key_id, region, account_name (or a stored "
                    + "endpoint) need aliyun.access_key_secret; EngageLab endpoint or api_user need engagelab.api_key. "
                    + "Otherwise 400 ProblemDetail naming that field, and nothing is written.")
    SenderServiceView update(@PathVariable long id, @Valid @RequestBody SenderServiceRequest request) {
        SenderServiceView updated = admin.update(id, request);
        signals.configurationChanged(id);
        return updated;
    }

    @DeleteMapping("/sender-services/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a service that never sent; one that did can only be disabled")
    void delete(@PathVariable long id) {
        admin.delete(id);
        signals.configurationChanged(id);
    }

    @GetMapping("/users/{userId}/sender-services")
    @Operation(summary = "The sender services a user may send through")
    List<SenderServiceView> servicesOfUser(@PathVariable long userId) {
        return admin.servicesOfUser(userId);
    }

    @PutMapping("/users/{userId}/sender-services")
    @Operation(summary = "Set the whole set of sender services a user may send through")
    List<SenderServiceView> replaceServicesOfUser(@PathVariable long userId,
                                                  @Valid @RequestBody UserServicesRequest request) {
        return admin.replaceServicesOfUser(userId, request.serviceIds());
    }

    record UserServicesRequest(@NotNull List<@NotNull Long> serviceIds) {
    }
}
