package org.edm.api.campaign;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.edm.api.campaign.CampaignViews.CampaignDetail;
import org.edm.api.campaign.CampaignViews.CampaignSummary;
import org.edm.api.support.ReasonRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;

@RestController
@RequestMapping("/v1/campaigns")
@Tag(name = "Campaigns", description = "Plan multi-stage campaigns and hand them to the campaign workflow")
class CampaignController {

    private final CampaignPlanner planner;

    CampaignController(CampaignPlanner planner) {
        this.planner = planner;
    }

    @PostMapping
    @Operation(summary = "Create a DRAFT campaign with its tasks, or from a name alone for API sends",
            description = "Task n (0-based) is planned at start_time + n × interval_days days unless it gives "
                    + "plan_time. With only a name (no start_time, interval_days or tasks) the campaign just "
                    + "groups API sends: hand its public_id (camp_<name slug>_<6 random>, never changes) to the "
                    + "developers; it cannot be activated until a PUT gives it a plan (409).")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<CampaignDetail> create(@Valid @RequestBody CampaignRequest request) {
        CampaignDetail created = planner.create(request);
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(created.id()).toUri()).body(created);
    }

    @GetMapping
    @Operation(summary = "The user's campaigns, newest first",
            description = "public_id=... narrows the list to the campaign with that public id (empty if none).")
    List<CampaignSummary> list(@Parameter(description = "only the campaign with this public id")
                               @RequestParam(name = "public_id", required = false) String publicId) {
        return planner.list(publicId);
    }

    @GetMapping("/by-public-id/{publicId}")
    @Operation(summary = "A campaign by the public id developers use in API sends (404 if not the user's)")
    CampaignDetail getByPublicId(@PathVariable String publicId) {
        return planner.detailByPublicId(publicId);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Rename a campaign, in any state and of any origin (also one discovered from the API)",
            description = "Only the name changes; public_id can never be changed (a body naming it is a 400).")
    CampaignDetail rename(@PathVariable long id, @Valid @RequestBody RenameRequest request) {
        return planner.rename(id, request.name());
    }

    record RenameRequest(@NotBlank @Size(max = 255) String name) {
    }

    @GetMapping("/{id}")
    @Operation(summary = "A campaign, its tasks with delivery counts and, while running, the workflow's progress")
    CampaignDetail get(@PathVariable long id) {
        return planner.detail(id);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Replace a DRAFT campaign's plan (409 once activated)")
    CampaignDetail update(@PathVariable long id, @Valid @RequestBody CampaignRequest request) {
        return planner.update(id, request);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a DRAFT campaign (409 once activated)")
    void delete(@PathVariable long id) {
        planner.delete(id);
    }

    @PostMapping("/{id}/activate")
    @Operation(summary = "DRAFT → ACTIVE: start the campaign workflow campaign-{id}",
            description = "409 unless DRAFT, and for a campaign without start time (made for API sends). 503 if "
                    + "Temporal cannot be reached: nothing changed (the campaign stays DRAFT, no quota reserved); "
                    + "activate again later. A start that reached Temporal although its reply was lost counts as "
                    + "started.")
    CampaignDetail activate(@PathVariable long id) {
        return planner.activate(id);
    }

    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Ask the campaign workflow to cancel (409 unless ACTIVE or PAUSED)",
            description = "Unstarted tasks never start and running ones stop; the campaign becomes CANCELLED when "
                    + "the workflow has wound down.")
    CampaignDetail cancel(@PathVariable long id, @Valid @RequestBody(required = false) ReasonRequest request) {
        return planner.cancel(id, ReasonRequest.of(request));
    }

    @PostMapping("/{id}/pause")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Pause the campaign (signal): running tasks pause, unstarted ones are held",
            description = "409 unless ACTIVE or PAUSED. The tasks show the pause reason 'paused by operator'.")
    CampaignDetail pause(@PathVariable long id, @Valid @RequestBody(required = false) ReasonRequest request) {
        return planner.pause(id, ReasonRequest.of(request));
    }

    @PostMapping("/{id}/resume")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Resume the campaign (signal): paused tasks continue, overdue tasks start at once")
    CampaignDetail resume(@PathVariable long id) {
        return planner.resume(id);
    }
}
