package org.edm.api.task;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who a task sends to: contacts with ANY (or ALL) of {@code include_tags}, minus those with any of
 * {@code exclude_tags}; if {@code include_labels} is given, only contacts with at least one of these system labels of
 * the task's campaign, and never those with any of {@code exclude_labels} (seed 000 §2.2: {@value #LABELS}; the "un-"
 * labels mean sent to in this campaign and did not open / reply). Unknown keys are rejected (a misspelt "exclude_tag" must not silently mail everyone).
 * Stored in {@code tasks.recipient_rule} with every key present, which is the shape the audience resolver reads.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@Schema(description = "{\"include_tags\":[...], \"match\":\"ANY\"|\"ALL\", \"exclude_tags\":[...], "
        + "\"include_labels\":[...], \"exclude_labels\":[...]}")
public record RecipientRule(
        @NotNull @Size(min = 1, max = 50, message = "must list 1 to 50 tags")
        List<@NotBlank @Size(max = 100) String> includeTags,
        @Schema(description = "default ANY") Match match,
        @Size(max = 50) List<@NotBlank @Size(max = 100) String> excludeTags,
        @Schema(description = "any of: " + LABELS)
        @Size(max = 5) List<@NotNull @Pattern(regexp = LABEL_PATTERN, message = LABEL_MESSAGE) String> includeLabels,
        @Schema(description = "none of: " + LABELS)
        @Size(max = 5) List<@NotNull @Pattern(regexp = LABEL_PATTERN, message = LABEL_MESSAGE) String> excludeLabels) {

    public static final String LABELS = "opened_in_campaign, unopened_in_campaign, clicked_in_campaign, "
            + "replied_in_campaign, unreplied_in_campaign";
    static final String LABEL_PATTERN = "opened_in_campaign|unopened_in_campaign|clicked_in_campaign"
            + "|replied_in_campaign|unreplied_in_campaign";
    static final String LABEL_MESSAGE = "'${validatedValue}' is not a system label; known: " + LABELS;

    public enum Match { ANY, ALL }

    public Map<String, Object> toStoredJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("include_tags", List.copyOf(new LinkedHashSet<>(includeTags.stream().map(String::trim).toList())));
        json.put("match", (match == null ? Match.ANY : match).name());
        json.put("exclude_tags", excludeTags == null ? List.of()
                : List.copyOf(new LinkedHashSet<>(excludeTags.stream().map(String::trim).toList())));
        // label keys only when used, so rules without labels keep the shape they always had
        if (includeLabels != null && !includeLabels.isEmpty()) {
            json.put("include_labels", List.copyOf(new LinkedHashSet<>(includeLabels)));
        }
        if (excludeLabels != null && !excludeLabels.isEmpty()) {
            json.put("exclude_labels", List.copyOf(new LinkedHashSet<>(excludeLabels)));
        }
        return json;
    }
}
