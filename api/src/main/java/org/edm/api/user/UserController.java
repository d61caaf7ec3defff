package org.edm.api.user;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.edm.api.support.PageView;
import org.edm.api.support.Paging;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@Tag(name = "Users", description = "Who may sign in (admins manage users); /v1/me for the signed-in user")
class UserController {

    static final int MAX_PAGE_SIZE = 500;

    private final UserAdmin admin;

    UserController(UserAdmin admin) {
        this.admin = admin;
    }

    @GetMapping("/v1/me")
    @Operation(summary = "The signed-in user, with their remaining send quota")
    UserView me() {
        return admin.me();
    }

    @GetMapping("/v1/users")
    @Operation(summary = "All users (admin); pages start at 0")
    PageView<UserView> list(@RequestParam(defaultValue = "0") @Min(0) @Max(Paging.MAX_PAGE) int page,
                            @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
        return admin.list(page, size);
    }

    @GetMapping("/v1/users/{id}")
    UserView get(@PathVariable long id) {
        return admin.get(id);
    }

    @PostMapping("/v1/users")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a user (admin); the password needs at least 10 characters",
            description = "Usernames and e-mail addresses are unique ignoring case (409 when taken).")
    ResponseEntity<UserView> create(@Valid @RequestBody UserRequests.Create request) {
        UserView created = admin.create(request);
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(created.id()).toUri()).body(created);
    }

    @PutMapping("/v1/users/{id}")
    @Operation(operationId = "updateUser", summary = "Change a user's e-mail, role and enabled (admin)",
            description = "Disabling ends the user's sessions at once. 409 when it would leave no enabled admin.")
    UserView update(@PathVariable long id, @Valid @RequestBody UserRequests.Update request) {
        return admin.update(id, request);
    }

    @PostMapping("/v1/users/{id}/password")
    @Operation(operationId = "setUserPassword",
            summary = "Set a new password for a user (admin); ends all their sessions and lifts a sign-in lock")
    UserView resetPassword(@PathVariable long id, @Valid @RequestBody UserRequests.PasswordReset request) {
        return admin.resetPassword(id, request);
    }

    @PostMapping("/v1/users/{id}/unlock")
    @Operation(summary = "Lift a sign-in lock after too many failed sign-ins (the password stays)")
    UserView unlock(@PathVariable long id) {
        return admin.unlock(id);
    }

    @DeleteMapping("/v1/users/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "removeUser", summary = "Remove a user (admin): one who owns data or appears in the "
            + "audit log is disabled instead (GET then shows enabled=false); 409 for the last enabled admin")
    void delete(@PathVariable long id) {
        admin.delete(id);
    }
}
