package org.edm.api.report;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
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

    private static final String TIMELINE = "Per bucket (hour or day, in time_zone), the deliveries first sent, hard "
            + "bounced, opened, clicked, replied to and unsubscribed in it: each counted once, in the bucket of its "
            + "first such event, with the report's definitions, so each column sums to the report's total. Buckets "
            + "run without gaps from the first event's to the last's (none when nothing happened); a span of more "
            + "than " + Reports.MAX_BUCKETS + " buckets is refused with a 400 (ask for bucket=day).";

    @GetMapping("/v1/tasks/{id}/report/timeline")
    @Operation(summary = "A task's report over time", description = TIMELINE)
    ReportTimeline taskTimeline(@PathVariable long id,
                                @Parameter(schema = @Schema(allowableValues = {"hour", "day"}, defaultValue = "hour"))
                                @RequestParam(required = false) String bucket,
                                @Parameter(description = "time zone of the buckets", example = "Asia/Shanghai")
                                @RequestParam(name = "time_zone", required = false) String timeZone) {
        return reports.taskTimeline(id, orDefault(bucket, "hour"), orDefault(timeZone, "UTC"));
    }

    @GetMapping("/v1/campaigns/{id}/report/timeline")
    @Operation(summary = "A campaign's report over time (its tasks' deliveries and its API messages)",
            description = TIMELINE)
    ReportTimeline campaignTimeline(@PathVariable long id,
                                    @Parameter(schema = @Schema(allowableValues = {"hour", "day"},
                                            defaultValue = "hour"))
                                    @RequestParam(required = false) String bucket,
                                    @Parameter(description = "time zone of the buckets", example = "Asia/Shanghai")
                                    @RequestParam(name = "time_zone", required = false) String timeZone) {
        return reports.campaignTimeline(id, orDefault(bucket, "hour"), orDefault(timeZone, "UTC"));
    }

    /**
     * Absent means the default; present but empty ({@code ?bucket=}) is a value and refused with a 400 like any other
     * wrong one (Spring's {@code defaultValue} would quietly turn it into the default).
     */
    private static String orDefault(@jakarta.annotation.Nullable String value, String fallback) {
        return value == null ? fallback : value;
    }
}
