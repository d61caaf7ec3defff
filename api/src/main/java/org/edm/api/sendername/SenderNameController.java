package org.edm.api.sendername;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.edm.api.support.EmailLocalPart;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/v1/sender-names")
@Tag(name = "Sender names", description = "The local part of From (name@service-domain), unique across all users")
class SenderNameController {

    private final SenderNames names;

    SenderNameController(SenderNames names) {
        this.names = names;
    }

    record SenderNameRequest(@NotBlank @EmailLocalPart String name) {
    }

    @GetMapping
    @Operation(summary = "Your sender names")
    List<SenderNames.SenderNameView> list() {
        return names.list();
    }

    @GetMapping("/{id}")
    SenderNames.SenderNameView get(@PathVariable long id) {
        return names.get(id);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a sender name (409 if anyone has it already)")
    SenderNames.SenderNameView create(@Valid @RequestBody SenderNameRequest request) {
        return names.create(request.name().trim());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a sender name no unfinished task uses (409 otherwise)")
    void delete(@PathVariable long id) {
        names.delete(id);
    }
}
