package org.edm.api.report;

import jakarta.annotation.Nullable;
import java.util.List;

/** Report bodies (snake_case on the wire). */
final class ReportViews {

    private ReportViews() {
    }

    record TemplateReport(@Nullable Long templateId, @Nullable String templateName, ReportCounts counts) {
    }

    record TaskReport(long taskId, long campaignId, String name, String status, ReportCounts totals,
                      List<TemplateReport> byTemplate) {
    }

    /** {@code totals}: the tasks' deliveries and the API messages sent with this campaign_id together. */
    record CampaignReport(long campaignId, String name, String status, ReportCounts totals,
                          List<TemplateReport> byTemplate, List<TaskReport> byTask,
                          @Nullable ReportCounts apiMessages) {
    }
}
