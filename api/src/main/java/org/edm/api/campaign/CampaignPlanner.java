package org.edm.api.campaign;

import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import org.edm.api.campaign.CampaignViews.CampaignDetail;
import org.edm.api.campaign.CampaignViews.CampaignSummary;
import org.edm.api.campaign.CampaignViews.LiveProgress;
import org.edm.api.security.CurrentUser;
import org.edm.api.sendername.SenderNames;
import org.edm.api.support.ConflictException;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.api.task.TaskViews;
import org.edm.domain.campaign.Campaign;
import org.edm.domain.campaign.CampaignCancellation;
import org.edm.domain.campaign.CampaignRepository;
import org.edm.domain.campaign.CampaignStatus;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.Task;
import org.edm.domain.task.TaskRepository;
import org.edm.domain.template.TemplateSetRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Plans campaigns and hands them to Temporal. Edits are allowed only while a campaign is a DRAFT (the row is locked
 * for the edit, so an edit and an activation cannot interleave). Activation commits ACTIVE first and then starts
 * {@code campaign-{id}}; if the start fails the campaign goes back to DRAFT, so the database never shows an active
 * campaign that nothing will run.
 */
@Service
class CampaignPlanner {

    private static final Logger log = LoggerFactory.getLogger(CampaignPlanner.class);
    static final Instant EARLIEST_PLAN = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant LATEST_PLAN = Instant.parse("2999-12-31T23:59:59Z");

    private final CampaignRepository campaigns;
    private final TaskRepository tasks;
    private final TemplateSetRepository templateSets;
    private final TaskViews taskViews;
    private final CampaignRuns runs;
    private final CurrentUser currentUser;
    private final TransactionTemplate tx;
    private final TransactionTemplate readTx;
    private final TaskQuota quota;
    private final SenderNames senderNames;
    private final CampaignCancellation cancellation;
    private final CampaignPublicIds publicIds;

    CampaignPlanner(CampaignRepository campaigns, TaskRepository tasks, TemplateSetRepository templateSets,
                    TaskViews taskViews, CampaignRuns runs, CurrentUser currentUser,
                    PlatformTransactionManager transactionManager, TaskQuota quota, SenderNames senderNames,
                    CampaignCancellation cancellation, CampaignPublicIds publicIds) {
        this.cancellation = cancellation;
        this.publicIds = publicIds;
        this.quota = quota;
        this.senderNames = senderNames;
        this.campaigns = campaigns;
        this.tasks = tasks;
        this.templateSets = templateSets;
        this.taskViews = taskViews;
        this.runs = runs;
        this.currentUser = currentUser;
        this.tx = new TransactionTemplate(transactionManager);
        this.readTx = new TransactionTemplate(transactionManager);
        this.readTx.setReadOnly(true);
    }

    /** Task n's plan time unless it sets its own: {@code start_time + n × interval_days} days. */
    static Instant planTime(OffsetDateTime startTime, int intervalDays, int n, OffsetDateTime explicit) {
        return (explicit != null ? explicit : startTime.plusDays((long) n * intervalDays)).toInstant();
    }

    /** The user's campaigns, newest first; with {@code publicId} only the one with that public id (or none). */
    List<CampaignSummary> list(String publicId) {
        return readTx.execute(status -> {
            List<Campaign> all = publicId == null ? campaigns.findAllByOwnerIdOrderByIdDesc(currentUser.id())
                    : campaigns.findByOwnerIdAndPublicId(currentUser.id(), publicId).stream().toList();
            Map<Long, Long> taskCounts = all.isEmpty() ? Map.of()
                    : tasks.findAllByCampaignIdInOrderByCampaignIdAscSeqAsc(all.stream().map(Campaign::getId).toList())
                    .stream().collect(Collectors.groupingBy(Task::getCampaignId, Collectors.counting()));
            return all.stream().map(c -> CampaignSummary.of(c, taskCounts.getOrDefault(c.getId(), 0L).intValue()))
                    .toList();
        });
    }

    /** The campaign with its tasks and, when its workflow should be running, the workflow's live progress. */
    CampaignDetail detail(long id) {
        CampaignDetail detail = readTx.execute(status -> detailOf(find(id)));
        if (!detail.status().isRunning()) {
            return detail;
        }
        // outside the transaction: a slow or absent Temporal must not hold a connection
        CampaignRuns.Progress live = runs.progress(id);
        return live.progress() == null ? detail.withLive(null, live.unavailableReason())
                : detail.withLive(LiveProgress.of(live.progress()), null);
    }

    /** The user's campaign with this public id; another owner's is as unknown as a missing one (404). */
    CampaignDetail detailByPublicId(String publicId) {
        long id = readTx.execute(status -> campaigns.findByOwnerIdAndPublicId(currentUser.id(), publicId)
                .orElseThrow(() -> new NotFoundException("campaign with public id " + publicId + " not found"))
                .getId());
        return detail(id);
    }

    CampaignDetail create(CampaignRequest request) {
        if (request.nameOnly()) {
            return createForApi(request.name());
        }
        requirePlan(request);
        return tx.execute(status -> {
            checkPlanTimes(request);
            checkTemplateSets(request);
            checkQuota(request);
            Campaign campaign = new Campaign(currentUser.id());
            applyCampaign(request, campaign);
            campaign.assignPublicId(publicIds.newFor(campaign.getOwnerId(), campaign.getName()));
            campaigns.saveAndFlush(campaign);
            for (int n = 0; n < request.tasks().size(); n++) {
                Task task = new Task(campaign.getId(), campaign.getOwnerId(), n);
                applyTask(request, n, task);
                tasks.save(task);
            }
            tasks.flush();
            CampaignDetail view = detailOf(campaign);
            return view;
        });
    }

    /**
     * A DRAFT with a name and a public id and nothing else (seed 004 flow 3, scenario A): developers name its public
     * id in API sends. It has no schedule, so it cannot be activated until a PUT gives it a plan.
     */
    private CampaignDetail createForApi(String name) {
        return tx.execute(status -> {
            Campaign campaign = new Campaign(currentUser.id());
            campaign.setName(name.trim());
            campaign.assignPublicId(publicIds.newFor(campaign.getOwnerId(), campaign.getName()));
            campaigns.saveAndFlush(campaign);
            return detailOf(campaign);
        });
    }

    /**
     * Renames a campaign in any state and of any origin (an API-discovered one's name is its public id until an
     * operator gives it a readable one). The public id stays as it is.
     */
    CampaignDetail rename(long id, String name) {
        tx.executeWithoutResult(status -> {
            Campaign campaign = lock(id);
            campaign.setName(name.trim());
            campaigns.saveAndFlush(campaign);
        });
        return detail(id);
    }

    /** Replaces a draft's plan. Tasks are matched by position, so a kept task keeps its id. */
    CampaignDetail update(long id, CampaignRequest request) {
        requirePlan(request);
        return tx.execute(status -> {
            Campaign campaign = lockDraft(id, "edited");
            checkPlanTimes(request);
            checkTemplateSets(request);
            checkQuota(request);
            applyCampaign(request, campaign);
            List<Task> existing = tasks.findAllByCampaignIdOrderBySeqAsc(id);
            for (int n = 0; n < request.tasks().size(); n++) {
                Task task = n < existing.size() ? existing.get(n) : new Task(id, campaign.getOwnerId(), n);
                applyTask(request, n, task);
                tasks.save(task);
            }
            if (existing.size() > request.tasks().size()) {
                tasks.deleteAll(existing.subList(request.tasks().size(), existing.size()));
            }
            campaigns.saveAndFlush(campaign);
            tasks.flush();
            CampaignDetail after = detailOf(campaign);
            return after;
        });
    }

    void delete(long id) {
        tx.executeWithoutResult(status -> {
            Campaign campaign = lockDraft(id, "deleted");
            quota.releaseCampaign(id, QuotaLedger.TASK_RELEASE, currentUser.id(), "campaign deleted");
            tasks.deleteAll(tasks.findAllByCampaignIdOrderBySeqAsc(id));
            campaigns.delete(campaign);
            campaigns.flush();
        });
    }

    /**
     * DRAFT → ACTIVE and {@code campaign-{id}} started, all or nothing. The start is the last step of the transaction
     * that reserves the quota and activates the campaign (holding its row lock), which commits only once Temporal
     * has the run; a start that fails rolls everything back: 503, and the campaign is the DRAFT it was (no reservation,
     * no compensating ledger rows), so the operator simply activates it again.
     *
     * <p>A start can reach Temporal although the client sees a failure (a timeout, a lost reply). So before rolling
     * back, the api asks Temporal whether the run exists; if it does, the activation stands (issue 11 item 13). If
     * Temporal cannot even answer that, the activation rolls back — and a run that did start converges on its own:
     * its first activity ({@code loadCampaignPlan}) waits for this row lock and then activates the DRAFT it finds,
     * so a campaign is never left DRAFT with a running workflow (its tasks' quota is then charged when each starts).
     * A duplicate start is harmless (one id, one run).
     */
    CampaignDetail activate(long id) {
        tx.executeWithoutResult(status -> {
            Campaign c = lock(id);
            if (c.getStatus() != CampaignStatus.DRAFT) {
                throw new ConflictException("campaign " + id + " is " + c.getStatus()
                        + "; only a DRAFT campaign can be activated");
            }
            if (c.getStartTime() == null) {
                throw new ConflictException("campaign " + id + " has no start time and no tasks (it groups API "
                        + "sends); give it a plan with PUT /v1/campaigns/" + id + " before activating it");
            }
            // F23: every task reserves its planned audience now, all or nothing (409 naming what is missing)
            quota.reservePlanned(c.getOwnerId(), tasks.findAllByCampaignIdOrderBySeqAsc(id).stream()
                    .map(Task::getId).toList(), currentUser.id(), "campaign " + id + " activated");
            campaigns.activate(id, Instant.now());
            startWorkflow(id, c.getOwnerId(), c.getName());
        });
        return readTx.execute(status -> detailOf(find(id)));
    }

    /** Inside the activation's transaction: throwing here rolls the activation back. */
    private void startWorkflow(long id, long ownerId, String name) {
        try {
            runs.start(id, ownerId, name);
        } catch (WorkflowExecutionAlreadyStarted alreadyRunning) {
            log.info("campaign-{} was already started; not starting it again", id);
        } catch (RuntimeException e) {
            if (runs.exists(id)) {
                log.warn("starting campaign-{} failed on the client ({}), but the run exists: the activation stands",
                        id, e.toString());
                return;
            }
            throw new TemporalUnavailableException("could not start the workflow of campaign " + id
                    + " (Temporal unreachable?); nothing changed, the campaign is still a DRAFT: activate it again "
                    + "later", e);
        }
    }

    /**
     * Asks the campaign workflow to stop: tasks not started never start, running ones are cancelled and refund
     * their unsent quota. The workflow marks the campaign CANCELLED when everything has stopped. If no run exists
     * any more (terminated by hand, and its task runs with it), the campaign and all its unended tasks are
     * cancelled here, started ones exactly as their workflow would cancel them ({@link CampaignCancellation}).
     */
    CampaignDetail cancel(long id, String reason) {
        Campaign campaign = readTx.execute(status -> find(id));
        if (!campaign.getStatus().isRunning()) {
            throw new ConflictException("campaign " + id + " is " + campaign.getStatus()
                    + "; only an ACTIVE or PAUSED campaign can be cancelled"
                    + (campaign.getStatus() == CampaignStatus.DRAFT ? " (delete a draft instead)" : ""));
        }
        String why = reason == null || reason.isBlank() ? "cancelled by user " + currentUser.id() : reason.trim();
        try {
            runs.cancel(id, why);
        } catch (WorkflowNotFoundException gone) {
            tx.executeWithoutResult(status -> {
                Instant now = Instant.now();
                campaigns.markCancelled(id, EnumSet.of(CampaignStatus.ACTIVE, CampaignStatus.PAUSED), now);
                cancellation.cancelUnstartedTasks(id, currentUser.id(), why);
                // a started task has no workflow left to stop it either (terminating the campaign's run took its
                // children along): it ends here the way its workflow would end it, unsent deliveries refunded
                cancellation.cancelStartedTasks(id, why);
            });
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("could not signal cancel to campaign " + id
                    + " (Temporal unreachable?); nothing changed, try again", e);
        }
        return readTx.execute(status -> detailOf(find(id)));
    }

    /**
     * Asks the campaign workflow to pause: its running tasks pause with the operator's reason and no further task
     * starts until {@link #resume}. The workflow writes PAUSED to the campaign, so the answer may still say ACTIVE.
     * Pausing a paused campaign again is harmless (signals are idempotent), which is why both states are accepted.
     */
    CampaignDetail pause(long id, String reason) {
        String why = reason == null || reason.isBlank() ? "paused by operator" : "paused by operator: " + reason.trim();
        return signal(id, "PAUSE", why, () -> runs.pause(id, why));
    }

    CampaignDetail resume(long id) {
        return signal(id, "RESUME", "resumed by operator", () -> runs.resume(id));
    }

    private CampaignDetail signal(long id, String action, String why, Runnable signal) {
        Campaign campaign = readTx.execute(status -> find(id));
        if (!campaign.getStatus().isRunning()) {
            throw new ConflictException("campaign " + id + " is " + campaign.getStatus()
                    + "; only an ACTIVE or PAUSED campaign can be paused or resumed");
        }
        try {
            signal.run();
        } catch (WorkflowNotFoundException gone) {
            throw new ConflictException("campaign " + id + " has no running workflow any more; nothing to "
                    + action.toLowerCase());
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("could not signal " + action.toLowerCase() + " to campaign " + id
                    + " (Temporal unreachable?); nothing changed, try again", e);
        }
        return readTx.execute(status -> detailOf(find(id)));
    }

    private CampaignDetail detailOf(Campaign campaign) {
        return CampaignDetail.of(campaign, taskViews.of(tasks.findAllByCampaignIdOrderBySeqAsc(campaign.getId())));
    }

    private Campaign find(long id) {
        return campaigns.findByIdAndOwnerId(id, currentUser.id())
                .orElseThrow(() -> NotFoundException.of("campaign", id));
    }

    private Campaign lock(long id) {
        return campaigns.lockByIdAndOwnerId(id, currentUser.id())
                .orElseThrow(() -> NotFoundException.of("campaign", id));
    }

    private Campaign lockDraft(long id, String what) {
        Campaign campaign = lock(id);
        if (!campaign.getStatus().isEditable()) {
            throw new ConflictException("campaign " + id + " is " + campaign.getStatus() + " and can no longer be "
                    + what + "; only a DRAFT campaign can" + (campaign.getStatus().isRunning()
                    ? " (cancel it instead)" : ""));
        }
        return campaign;
    }

    /** A plan is start_time, interval_days and at least one task, all together (only a name is the other choice). */
    private static void requirePlan(CampaignRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        if (request.startTime() == null) {
            problems.add(new FieldProblem("start_time", "must not be null"));
        }
        if (request.intervalDays() == null) {
            problems.add(new FieldProblem("interval_days", "must not be null"));
        }
        if (request.tasks() == null || request.tasks().isEmpty()) {
            problems.add(new FieldProblem("tasks", CampaignRequest.NO_TASKS));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    /**
     * Plan times the database and the workflow's timers can hold without surprise: a typo such as year 20266 is
     * rejected here instead of failing at insert or sleeping for ever.
     */
    private static void checkPlanTimes(CampaignRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        if (!withinPlanningRange(request.startTime().toInstant())) {
            problems.add(new FieldProblem("start_time", "must be between " + EARLIEST_PLAN + " and " + LATEST_PLAN));
        }
        for (int n = 0; n < request.tasks().size(); n++) {
            Instant at = planTime(request.startTime(), request.intervalDays(), n, request.tasks().get(n).planTime());
            if (!withinPlanningRange(at)) {
                problems.add(new FieldProblem("tasks[" + n + "].plan_time", "works out at " + at
                        + ", outside " + EARLIEST_PLAN + " .. " + LATEST_PLAN));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    private static boolean withinPlanningRange(Instant at) {
        return !at.isBefore(EARLIEST_PLAN) && !at.isAfter(LATEST_PLAN);
    }

    /**
     * Every referenced template set exists and belongs to the current user (else 404 naming the task), and every
     * sender name is one of the user's (F14, else 400 naming the task).
     */
    private void checkTemplateSets(CampaignRequest request) {
        for (int n = 0; n < request.tasks().size(); n++) {
            senderNames.requireOwn(request.tasks().get(n).senderName(), "tasks[" + n + "].sender_name");
        }
        Map<Long, Boolean> owned = request.tasks().stream().map(CampaignRequest.TaskPlan::templateSetId).distinct()
                .collect(Collectors.toMap(Function.identity(),
                        setId -> templateSets.existsByIdAndOwnerId(setId, currentUser.id())));
        for (int n = 0; n < request.tasks().size(); n++) {
            long setId = request.tasks().get(n).templateSetId();
            if (!owned.get(setId)) {
                throw new NotFoundException("template set " + setId + " not found (tasks[" + n + "])",
                        "tasks[" + n + "].template_set_id");
            }
        }
    }

    /** F23: a draft's planned audiences must fit the balance (checked only; reserved at activation). */
    private void checkQuota(CampaignRequest request) {
        quota.checkPlanned(currentUser.id(), request.tasks().stream()
                .map(plan -> plan.recipientRule().toStoredJson()).toList());
    }

    private static void applyCampaign(CampaignRequest request, Campaign campaign) {
        campaign.setName(request.name().trim());
        campaign.setStartTime(request.startTime().toInstant());
        campaign.setIntervalDays(request.intervalDays());
    }

    private static void applyTask(CampaignRequest request, int n, Task task) {
        CampaignRequest.TaskPlan plan = request.tasks().get(n);
        task.setName(plan.name().trim());
        task.setPlanTime(planTime(request.startTime(), request.intervalDays(), n, plan.planTime()));
        task.setRecipientRule(plan.recipientRule().toStoredJson());
        task.setTemplateSetId(plan.templateSetId());
        task.setSenderName(plan.senderName());
    }
}
