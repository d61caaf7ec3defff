package org.edm.api.task;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.NotFoundException;
import org.edm.domain.task.TaskRepository;
import org.edm.api.support.ReasonRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.List;

/**
 * Tasks with their delivery counts; added, changed and removed on their own until they start sending, then only
 * paused, resumed, cancelled or retried (F15).
 */
@RestController
@RequestMapping("/v1/tasks")
@Tag(name = "Tasks", description = "The sends of a campaign, with live delivery counts")
class TaskController {

    private final TaskRepository tasks;
    private final TaskViews views;
    private final CurrentUser currentUser;
    private final TaskEdits edits;
    private final TaskLifecycle lifecycle;
    private final TaskReads reads;

    TaskController(TaskRepository tasks, TaskViews views, CurrentUser currentUser, TaskEdits edits,
                   TaskLifecycle lifecycle, TaskReads reads) {
        this.edits = edits;
        this.lifecycle = lifecycle;
        this.reads = reads;
        this.tasks = tasks;
        this.views = views;
        this.currentUser = currentUser;
    }

    @GetMapping
    @Transactional(readOnly = true)
    @Operation(summary = "Your tasks, optionally of one campaign")
    List<TaskView> list(@RequestParam(name = "campaign_id", required = false) Long campaignId) {
        return views.of(campaignId == null
                ? tasks.findAllByOwnerIdOrderByIdAsc(currentUser.id())
                : tasks.findAllByOwnerIdAndCampaignIdOrderBySeqAsc(currentUser.id(), campaignId));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a task to a DRAFT, ACTIVE or PAUSED campaign",
            description = "A running campaign re-plans at once: the new task runs at its plan_time.")
    TaskView create(@Valid @RequestBody TaskRequest request) {
        return edits.create(request);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Change (e.g. re-time) a task that has not started",
            description = "409 once the task has started sending: it can then only be paused or cancelled (F15).")
    TaskView update(@PathVariable long id, @Valid @RequestBody TaskRequest request) {
        return edits.update(id, request);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a task that has not started (409 once it has)")
    void delete(@PathVariable long id) {
        edits.delete(id);
    }

    @PostMapping("/{id}/pause")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Pause a sending task (signal); it stops pulling within one batch",
            description = "The task shows the pause reason 'paused by operator'. 409 unless SENDING or PAUSED.")
    TaskView pause(@PathVariable long id, @Valid @RequestBody(required = false) ReasonRequest request) {
        return lifecycle.pause(id, ReasonRequest.of(request));
    }

    @PostMapping("/{id}/resume")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Resume a paused task (signal)")
    TaskView resume(@PathVariable long id) {
        return lifecycle.resume(id);
    }

    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Cancel a task: every unsent delivery becomes CANCELLED",
            description = "A started task is cancelled by its workflow (signal); one not started is cancelled at once "
                    + "and never starts. 409 once ended.")
    TaskView cancel(@PathVariable long id, @Valid @RequestBody(required = false) ReasonRequest request) {
        return lifecycle.cancel(id, ReasonRequest.of(request));
    }

    @PostMapping("/{id}/retry")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Send the task's FAILED deliveries again (never SENT or UNKNOWN ones)",
            description = "409 if there are none, or the task is not SENDING, PAUSED or FINISHED. 503 if Temporal "
                    + "cannot be reached: nothing changed (deliveries still FAILED, no quota charged); retry again later.")
    TaskView retry(@PathVariable long id) {
        return lifecycle.retry(id);
    }

    @GetMapping("/{id}/progress")
    @Operation(summary = "Status, pause reason, planned vs actual audience, counts by delivery state and template, "
            + "plan/start/end times and, while running, the task workflow's own progress query")
    TaskProgressView progress(@PathVariable long id) {
        return reads.progress(id);
    }

    @GetMapping("/{id}/log")
    @Operation(summary = "The task's execution log: every state change with time and reason")
    List<TaskLogEntry> log(@PathVariable long id) {
        return reads.log(id);
    }

    @GetMapping(value = "/{id}/failures.csv", produces = "text/csv")
    @Operation(summary = "The task's failed deliveries as CSV: email, nickname, error, time")
    void failures(@PathVariable long id, HttpServletResponse response) throws IOException {
        reads.requireTask(id); // 404 before any byte is written
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"task-" + id + "-failures.csv\"");
        reads.writeFailures(id, response.getWriter());
    }

    @GetMapping("/{id}")
    @Transactional(readOnly = true)
    @Operation(summary = "One task with its delivery counts by status")
    TaskView get(@PathVariable long id) {
        return views.of(tasks.findByIdAndOwnerId(id, currentUser.id())
                .orElseThrow(() -> NotFoundException.of("task", id)));
    }
}
