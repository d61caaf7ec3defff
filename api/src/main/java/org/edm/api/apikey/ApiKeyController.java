package org.edm.api.apikey;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.edm.api.security.ApiKeys;
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

/** The signed-in user's API keys (seed 004 step 12); managed with the console session, used on /api/v1/**. */
@RestController
@RequestMapping("/v1/api-keys")
@Tag(name = "API keys", description = "Keys for the developer API (POST /api/v1/send); the secret is shown once")
class ApiKeyController {

    private final ApiKeys keys;

    ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    record ApiKeyRequest(@NotBlank @Size(max = 100) String name) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an API key; the answer's secret (edm_live_...) is shown this once and never again",
            responses = {@ApiResponse(responseCode = "201", description = "created, with the secret"),
                    @ApiResponse(responseCode = "400", description = "name missing or longer than 100 characters")})
    ApiKeys.CreatedApiKey create(@Valid @RequestBody ApiKeyRequest request) {
        return keys.create(request.name());
    }

    @GetMapping
    @Operation(summary = "Your API keys: name, prefix, created, last used, revoked (never the secret)")
    List<ApiKeys.ApiKeyView> list() {
        return keys.list();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One of your API keys (404 for another user's)")
    ApiKeys.ApiKeyView get(@PathVariable long id) {
        return keys.get(id);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke a key: the next request with it is refused (401); 404 for another user's key")
    void revoke(@PathVariable long id) {
        keys.revoke(id);
    }
}
