package org.edm.api.template;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

record TemplateRequest(@NotBlank @Size(max = 255) String name,
                       @NotBlank @Size(max = 500) @Schema(example = "Hello {{nickname}}") String subject,
                       @NotBlank @Size(max = 1_000_000)
                       @Schema(example = "<p>Hi {{nickname}}, ...</p>", description = "at most 512 KiB of UTF-8 "
                               + "(edm.templates.max-body-bytes) with sections nested at most 20 deep "
                               + "(edm.templates.max-nesting-depth); more is a 400 naming body_html")
                       String bodyHtml) {
}
