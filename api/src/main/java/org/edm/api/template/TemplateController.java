package org.edm.api.template;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;

@RestController
@Tag(name = "Templates", description = "E-mail templates with {{variables}}, and template sets to draw from")
class TemplateController {

    private final TemplateLibrary library;

    TemplateController(TemplateLibrary library) {
        this.library = library;
    }

    @PostMapping("/v1/templates")
    @Operation(summary = "Create a template; {{variables}} are checked for syntax")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<TemplateView> createTemplate(@Valid @RequestBody TemplateRequest request) {
        TemplateView created = library.createTemplate(request);
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(created.id()).toUri()).body(created);
    }

    @GetMapping("/v1/templates")
    List<TemplateView> listTemplates() {
        return library.listTemplates();
    }

    @GetMapping("/v1/templates/{id}")
    TemplateView getTemplate(@PathVariable long id) {
        return library.getTemplate(id);
    }

    @PutMapping("/v1/templates/{id}")
    TemplateView updateTemplate(@PathVariable long id, @Valid @RequestBody TemplateRequest request) {
        return library.updateTemplate(id, request);
    }

    @DeleteMapping("/v1/templates/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a template that no template set uses and that was never sent")
    void deleteTemplate(@PathVariable long id) {
        library.deleteTemplate(id);
    }

    @PostMapping("/v1/template-sets")
    @Operation(summary = "Create a template set from one or more of your templates")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<TemplateSetView> createSet(@Valid @RequestBody TemplateSetRequest request) {
        TemplateSetView created = library.createSet(request);
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(created.id()).toUri()).body(created);
    }

    @GetMapping("/v1/template-sets")
    List<TemplateSetView> listSets() {
        return library.listSets();
    }

    @GetMapping("/v1/template-sets/{id}")
    TemplateSetView getSet(@PathVariable long id) {
        return library.getSet(id);
    }

    @PutMapping("/v1/template-sets/{id}")
    TemplateSetView updateSet(@PathVariable long id, @Valid @RequestBody TemplateSetRequest request) {
        return library.updateSet(id, request);
    }

    @DeleteMapping("/v1/template-sets/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a template set that no task uses")
    void deleteSet(@PathVariable long id) {
        library.deleteSet(id);
    }
}
