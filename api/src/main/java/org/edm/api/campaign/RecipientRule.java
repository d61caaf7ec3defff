package org.edm.api.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who a task sends to: contacts with ANY (or ALL) of {@code include_tags}, minus those with any of
 * {@code exclude_tags}. Unknown keys are rejected (a misspelt "exclude_tag" must not silently mail everyone).
 * Stored in {@code tasks.recipient_rule} with every key present, which is the shape the audience resolver reads.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@Schema(description = "{\"include_tags\":[...], \"match\":\"ANY\"|\"ALL\", \"exclude_tags\":[...]}")
record RecipientRule(
        @NotNull @Size(min = 1, max = 50, message = "must list 1 to 50 tags")
        List<@NotBlank @Size(max = 100) String> includeTags,
        @Schema(description = "default ANY") Match match,
        @Size(max = 50) List<@NotBlank @Size(max = 100) String> excludeTags) {

    enum Match { ANY, ALL }

    Map<String, Object> toStoredJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("include_tags", List.copyOf(new LinkedHashSet<>(includeTags.stream().map(String::trim).toList())));
        json.put("match", (match == null ? Match.ANY : match).name());
        json.put("exclude_tags", excludeTags == null ? List.of()
                : List.copyOf(new LinkedHashSet<>(excludeTags.stream().map(String::trim).toList())));
        return json;
    }
}
