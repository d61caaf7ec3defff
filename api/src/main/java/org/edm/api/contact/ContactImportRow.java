package org.edm.api.contact;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** One contact to import. Validated as part of the whole import (see {@link ContactImporter}). */
record ContactImportRow(@Schema(example = "li.lei@example.com", requiredMode = Schema.RequiredMode.REQUIRED) String email,
                        @Schema(example = "Li Lei") String nickname,
                        @Schema(example = "[\"vip\", \"webinar-2026\"]") List<String> tags) {
}
