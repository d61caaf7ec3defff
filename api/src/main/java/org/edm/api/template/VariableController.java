package org.edm.api.template;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/v1/settings/variables")
@Tag(name = "E-mail variables", description = "The {{variables}} templates may use besides the built-in ones")
class VariableController {

    private final EmailVariables variables;

    VariableController(EmailVariables variables) {
        this.variables = variables;
    }

    @GetMapping
    @Operation(summary = "Defined variables (built-in: nickname, email, unsubscribe_url, campaign_name, task_name, "
            + "send_date)")
    List<EmailVariables.VariableView> list() {
        return variables.list();
    }

    @GetMapping("/{id}")
    EmailVariables.VariableView get(@PathVariable long id) {
        return variables.get(id);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Define a variable (409 if the key exists, 400 for a built-in name)")
    EmailVariables.VariableView create(@Valid @RequestBody VariableRequest request) {
        return variables.create(request);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Change a variable (renaming one a template uses is a 409)")
    EmailVariables.VariableView update(@PathVariable long id, @Valid @RequestBody VariableRequest request) {
        return variables.update(id, request);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a variable no template uses (409 otherwise)")
    void delete(@PathVariable long id) {
        variables.delete(id);
    }
}
