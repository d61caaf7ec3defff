package org.edm.api.report;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Reports", description = "Sent, delivered, bounced, opened, clicked, replied, unsubscribed")
class ReportController {

    private final Reports reports;

    ReportController(Reports reports) {
        this.reports = reports;
    }

    @GetMapping("/v1/tasks/{id}/report")
    @Operation(summary = "A task's report: counts and rates in total and per template",
            description = "Counted per delivery. opened includes clicks and excludes machine opens (privacy "
                    + "proxies, scanners); delivered = sent - bounced; delivered and bounced rates are per sent, "
                    + "the others per delivered.")
    ReportViews.TaskReport task(@PathVariable long id) {
        return reports.task(id);
    }

    @GetMapping("/v1/campaigns/{id}/report")
    @Operation(summary = "A campaign's report: totals, per template and per task")
    ReportViews.CampaignReport campaign(@PathVariable long id) {
        return reports.campaign(id);
    }
}
