package org.edm.api.task;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.NotFoundException;
import org.edm.domain.task.TaskRepository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Tasks are created and edited through their campaign; here they are read with their delivery counts. */
@RestController
@RequestMapping("/v1/tasks")
@Tag(name = "Tasks", description = "The sends of a campaign, with live delivery counts")
class TaskController {

    private final TaskRepository tasks;
    private final TaskViews views;
    private final CurrentUser currentUser;

    TaskController(TaskRepository tasks, TaskViews views, CurrentUser currentUser) {
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

    @GetMapping("/{id}")
    @Transactional(readOnly = true)
    @Operation(summary = "One task with its delivery counts by status")
    TaskView get(@PathVariable long id) {
        return views.of(tasks.findByIdAndOwnerId(id, currentUser.id())
                .orElseThrow(() -> NotFoundException.of("task", id)));
    }
}
