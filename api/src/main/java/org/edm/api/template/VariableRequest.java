package org.edm.api.template;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/** An e-mail variable (seed 003 §1.11): where {@code {{variable_key}}} takes its value from. */
record VariableRequest(
        @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*",
                message = "must be letters, digits and _ (not starting with a digit)")
        @Schema(example = "company") String variableKey,
        @NotBlank @Size(max = 255) String displayName,
        @NotNull SourceType sourceType,
        @Schema(description = "e.g. {\"attribute\": \"company\"} for a CONTACT_FIELD") Map<String, Object> sourceDetails,
        @Size(max = 2000) String description) {

    enum SourceType { CONTACT_FIELD, CONTACT_TAG, SYSTEM }
}
