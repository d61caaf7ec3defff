package org.edm.api.template;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/** A named set of the user's templates; each delivery gets one of them at random. */
record TemplateSetRequest(@NotBlank @Size(max = 255) String name,
                          @NotEmpty(message = "must list at least one template")
                          @Size(max = 100) List<@NotNull Long> templateIds) {
}
