package org.edm.api.alert;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.AlertState;
import org.edm.domain.alert.Alerts;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Alerts (seed 000 §9): raised and resolved by the {@code alerts} workflow and the event-driven writers, read and
 * acknowledged here. Admins see all; an operator sees those about their own tasks, campaigns, quota and domains and
 * about the sender services they may use, and acknowledges only their own (another's answers 404, INV-5).
 */
@RestController
@Tag(name = "Alerts", description = "Bounce rate, open rate, frozen services, paused tasks, low quota, broken DNS: "
        + "raised once per crossing, resolved when the condition clears, acknowledged by a person")
class AlertController {

    static final int MAX_LIMIT = 500;

    private final Alerts alerts;
    private final CurrentUser currentUser;

    AlertController(Alerts alerts, CurrentUser currentUser) {
        this.alerts = alerts;
        this.currentUser = currentUser;
    }

    @GetMapping("/v1/admin/alerts")
    @Operation(summary = "Admin: all alerts, newest first",
            description = "Filters: state (open, acknowledged, resolved), kind. 400 for an unknown state or kind or "
                    + "a limit outside 1..500; 403 for operators.")
    // the allowed values of state and kind are documented by AlertFilterSchemas, from AlertState and AlertKinds
    List<AlertView> all(@RequestParam(required = false) String state, @RequestParam(required = false) String kind,
                        @RequestParam(defaultValue = "100") @Min(1) @Max(MAX_LIMIT) int limit) {
        currentUser.requireAdmin();
        return list(state, kind, limit, null);
    }

    @GetMapping("/v1/admin/alerts/{id}")
    @Operation(summary = "Admin: one alert", description = "404 for an unknown id; 403 for operators.")
    AlertView one(@PathVariable long id) {
        currentUser.requireAdmin();
        return AlertView.of(alerts.find(id, null).orElseThrow(() -> notFound(id)));
    }

    @PostMapping("/v1/admin/alerts/{id}/acknowledge")
    @Operation(summary = "Admin: acknowledge an alert (\"seen\")",
            description = "Idempotent: the first acknowledgement (time and person) stays. It does not resolve the "
                    + "alert: that happens when the condition clears. 404 for an unknown id; 403 for operators.")
    @Transactional
    AlertView acknowledge(@PathVariable long id) {
        currentUser.requireAdmin();
        return AlertView.of(alerts.acknowledge(id, currentUser.id(), null).orElseThrow(() -> notFound(id)));
    }

    @GetMapping("/v1/alerts")
    @Operation(summary = "Your alerts, newest first",
            description = "Those about your tasks, campaigns, quota and sending domains, and about the sender services "
                    + "you may use. Filters as for /v1/admin/alerts; 400 for an unknown state or kind.")
    List<AlertView> mine(@RequestParam(required = false) String state, @RequestParam(required = false) String kind,
                         @RequestParam(defaultValue = "100") @Min(1) @Max(MAX_LIMIT) int limit) {
        return list(state, kind, limit, currentUser.id());
    }

    @GetMapping("/v1/alerts/{id}")
    @Operation(summary = "One of your alerts", description = "404 unless it is one of yours (or of a service you use).")
    AlertView myOne(@PathVariable long id) {
        return AlertView.of(alerts.find(id, currentUser.id()).orElseThrow(() -> notFound(id)));
    }

    @PostMapping("/v1/alerts/{id}/acknowledge")
    @Operation(summary = "Acknowledge one of your alerts",
            description = "Only alerts about your own tasks, campaigns, quota and domains; a shared sender service's "
                    + "alert is acknowledged by an admin. 404 for any other id.")
    @Transactional
    AlertView acknowledgeMine(@PathVariable long id) {
        long me = currentUser.id();
        return AlertView.of(alerts.acknowledge(id, me, me).orElseThrow(() -> notFound(id)));
    }

    private List<AlertView> list(String state, String kind, int limit, Long visibleTo) {
        if (state != null && !AlertState.ALL.contains(state)) {
            throw new InvalidInputException("state", "must be one of " + String.join(", ", AlertState.ALL));
        }
        if (kind != null && !AlertKinds.ALL.contains(kind)) {
            throw new InvalidInputException("kind", "must be one of " + String.join(", ", AlertKinds.ALL));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return alerts.list(new Alerts.Query(state, kind, visibleTo, limit)).stream().map(AlertView::of).toList();
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("alert " + id + " not found");
    }
}
