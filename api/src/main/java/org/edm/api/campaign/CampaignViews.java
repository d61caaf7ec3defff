package org.edm.api.campaign;

import jakarta.annotation.Nullable;
import org.edm.api.task.TaskView;
import org.edm.domain.campaign.Campaign;
import org.edm.domain.campaign.CampaignOrigin;
import org.edm.domain.campaign.CampaignStatus;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignProgress;

import java.time.Instant;
import java.util.List;

final class CampaignViews {

    private CampaignViews() {
    }

    /** {@code public_id} is the id developers name in API sends ({@code campaign_id}); it never changes. */
    record CampaignSummary(long id, String publicId, CampaignOrigin origin, String name, CampaignStatus status,
                           @Nullable Instant startTime, int intervalDays,
                           int taskCount, @Nullable Instant activatedAt, @Nullable Instant completedAt,
                           @Nullable String workflowId,
                           Instant createdAt, Instant updatedAt) {

        static CampaignSummary of(Campaign c, int taskCount) {
            return new CampaignSummary(c.getId(), c.getPublicId(), c.getOrigin(), c.getName(), c.getStatus(),
                    c.getStartTime(), c.getIntervalDays(),
                    taskCount, c.getActivatedAt(), c.getCompletedAt(), WorkflowIds.campaign(c.getId()),
                    c.getCreatedAt(), c.getUpdatedAt());
        }
    }

    /**
     * A campaign with its tasks and, while its workflow runs, what the workflow itself reports
     * ({@code live_progress}); {@code live_progress_note} says why that is missing when it is.
     */
    record CampaignDetail(long id, String publicId, CampaignOrigin origin, String name, CampaignStatus status,
                          @Nullable Instant startTime, int intervalDays,
                          @Nullable Instant activatedAt, @Nullable Instant completedAt, @Nullable String workflowId,
                          List<TaskView> tasks,
                          @Nullable LiveProgress liveProgress, @Nullable String liveProgressNote, Instant createdAt,
                          Instant updatedAt) {

        static CampaignDetail of(Campaign c, List<TaskView> tasks) {
            return new CampaignDetail(c.getId(), c.getPublicId(), c.getOrigin(), c.getName(), c.getStatus(),
                    c.getStartTime(), c.getIntervalDays(),
                    c.getActivatedAt(), c.getCompletedAt(), WorkflowIds.campaign(c.getId()), tasks, null, null,
                    c.getCreatedAt(), c.getUpdatedAt());
        }

        CampaignDetail withLive(LiveProgress live, String note) {
            return new CampaignDetail(id, publicId, origin, name, status, startTime, intervalDays, activatedAt,
                    completedAt, workflowId, tasks, live, note, createdAt, updatedAt);
        }
    }

    /** The campaign workflow's {@code progress} query answer. */
    record LiveProgress(String state, int totalTasks, List<Long> startedTaskIds, List<Long> endedTaskIds,
                        @Nullable Long nextTaskId, @Nullable Instant nextPlanTime) {

        static LiveProgress of(CampaignProgress p) {
            return new LiveProgress(p.state(), p.totalTasks(), p.startedTaskIds(), p.endedTaskIds(), p.nextTaskId(),
                    p.nextPlanTimeEpochMillis() == null ? null : Instant.ofEpochMilli(p.nextPlanTimeEpochMillis()));
        }
    }
}
