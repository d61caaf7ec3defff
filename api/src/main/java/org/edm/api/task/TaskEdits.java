package org.edm.api.task;

import org.edm.api.security.CurrentUser;
import org.edm.api.sendername.SenderNames;
import org.edm.api.support.ConflictException;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.domain.campaign.Campaign;
import org.edm.domain.campaign.CampaignRepository;
import org.edm.domain.campaign.CampaignStatus;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.Task;
import org.edm.domain.task.TaskRepository;
import org.edm.domain.task.TaskStatus;
import org.edm.domain.template.TemplateSetRepository;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Adding, changing and removing a task on its own (F15): allowed until the task starts sending, written under a row
 * lock, and a running campaign workflow is told to reload its plan. A task that has started can only be paused or
 * cancelled ({@link TaskLifecycle}).
 */
@Service
class TaskEdits {

    private final TaskRepository tasks;
    private final CampaignRepository campaigns;
    private final TemplateSetRepository templateSets;
    private final TaskViews views;
    private final OwnedTasks owned;
    private final TaskRuns runs;
    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final TransactionTemplate tx;
    private final TaskQuota quota;
    private final SenderNames senderNames;

    TaskEdits(TaskRepository tasks, CampaignRepository campaigns, TemplateSetRepository templateSets, TaskViews views,
              OwnedTasks owned, TaskRuns runs, NamedParameterJdbcTemplate jdbc, CurrentUser currentUser,
              PlatformTransactionManager transactionManager, TaskQuota quota, SenderNames senderNames) {
        this.tasks = tasks;
        this.campaigns = campaigns;
        this.templateSets = templateSets;
        this.views = views;
        this.owned = owned;
        this.runs = runs;
        this.jdbc = jdbc;
        this.currentUser = currentUser;
        this.tx = new TransactionTemplate(transactionManager);
        this.quota = quota;
        this.senderNames = senderNames;
    }

    TaskView create(TaskRequest request) {
        if (request.campaignId() == null) {
            throw new InvalidInputException("campaign_id", "must not be null");
        }
        TaskView created = tx.execute(status -> {
            Campaign campaign = campaigns.lockByIdAndOwnerId(request.campaignId(), currentUser.id())
                    .orElseThrow(() -> new NotFoundException("campaign " + request.campaignId() + " not found",
                            "campaign_id"));
            if (campaign.getStatus() != CampaignStatus.DRAFT && !campaign.getStatus().isRunning()) {
                throw new ConflictException("campaign " + campaign.getId() + " is " + campaign.getStatus()
                        + "; tasks can be added to a DRAFT, ACTIVE or PAUSED campaign only");
            }
            check(request);
            Integer seq = jdbc.queryForObject("SELECT coalesce(max(seq), -1) + 1 FROM tasks WHERE campaign_id = :id",
                    Map.of("id", campaign.getId()), Integer.class);
            Task task = new Task(campaign.getId(), campaign.getOwnerId(), seq == null ? 0 : seq);
            apply(request, task);
            tasks.saveAndFlush(task);
            // F23: added to a running campaign, the task reserves its planned audience at once; added to a draft, it
            // is only checked (the campaign's activation reserves)
            if (campaign.getStatus().isRunning()) {
                quota.reservePlanned(campaign.getOwnerId(), List.of(task.getId()), currentUser.id(),
                        "task added to running campaign " + campaign.getId());
            } else {
                quota.checkPlanned(campaign.getOwnerId(), List.of(task.getRecipientRule()));
            }
            TaskView view = views.of(task);
            return view;
        });
        runs.planChanged(created.campaignId());
        return created;
    }

    TaskView update(long id, TaskRequest request) {
        TaskView updated = tx.execute(status -> {
            Task task = lockUnstarted(id, "changed");
            if (request.campaignId() != null && request.campaignId() != task.getCampaignId()) {
                throw new InvalidInputException("campaign_id", "a task cannot move to another campaign");
            }
            check(request);
            apply(request, task);
            tasks.saveAndFlush(task);
            // F23: a task of a running campaign holds a reservation, which follows its new rule; a draft's is checked
            boolean running = campaigns.findById(task.getCampaignId()).map(c -> c.getStatus().isRunning())
                    .orElse(false);
            if (running) {
                quota.replan(id, task.getOwnerId(), task.getCampaignId(), task.getRecipientRule(), currentUser.id());
            } else {
                quota.checkPlanned(task.getOwnerId(), List.of(task.getRecipientRule()));
            }
            TaskView after = views.of(task);
            return after;
        });
        runs.planChanged(updated.campaignId());
        return updated;
    }

    void delete(long id) {
        long campaignId = tx.execute(status -> {
            Task task = lockUnstarted(id, "deleted");
            quota.releaseTask(id, QuotaLedger.TASK_RELEASE, currentUser.id(), "task deleted before it started");
            tasks.delete(task);
            tasks.flush();
            return task.getCampaignId();
        });
        runs.planChanged(campaignId);
    }

    private Task lockUnstarted(long id, String what) {
        TaskStatus status = owned.lockStatus(id);
        if (status.isStarted()) {
            throw new ConflictException("task " + id + " is " + status + ": "
                    + (TaskStatus.ENDED.contains(status) ? "it has ended and cannot be " + what
                    : "it has started sending and can only be paused or cancelled, not " + what));
        }
        return owned.find(id);
    }

    private void check(TaskRequest request) {
        Instant at = request.planTime().toInstant();
        if (at.isBefore(Instant.parse("2000-01-01T00:00:00Z")) || at.isAfter(Instant.parse("2999-12-31T23:59:59Z"))) {
            throw new InvalidInputException(List.of(new FieldProblem("plan_time", "must be between 2000 and 2999")));
        }
        if (!templateSets.existsByIdAndOwnerId(request.templateSetId(), currentUser.id())) {
            throw new NotFoundException("template set " + request.templateSetId() + " not found", "template_set_id");
        }
        senderNames.requireOwn(request.senderName(), "sender_name");
    }

    private static void apply(TaskRequest request, Task task) {
        task.setName(request.name().trim());
        task.setPlanTime(request.planTime().toInstant());
        task.setRecipientRule(request.recipientRule().toStoredJson());
        task.setTemplateSetId(request.templateSetId());
        task.setSenderName(request.senderName());
    }
}
