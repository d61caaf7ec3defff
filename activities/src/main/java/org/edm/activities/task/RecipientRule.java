package org.edm.activities.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which of the owner's contacts a task targets, as stored in {@code tasks.recipient_rule}:
 * {@code {"include_tags": [...], "match": "ANY"|"ALL", "exclude_tags": [...]}}. No include tags means every
 * contact of the owner; exclusion always wins.
 */
public record RecipientRule(List<String> includeTags, boolean matchAll, List<String> excludeTags) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static RecipientRule parse(String json) {
        JsonNode root;
        try {
            root = json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("recipient_rule is not JSON", e);
        }
        String match = root.path("match").asText("ANY").trim().toUpperCase(Locale.ROOT);
        if (!match.equals("ANY") && !match.equals("ALL")) {
            throw new IllegalArgumentException("recipient_rule.match must be ANY or ALL, was " + match);
        }
        return new RecipientRule(tags(root, "include_tags"), match.equals("ALL"), tags(root, "exclude_tags"));
    }

    private static List<String> tags(JsonNode root, String field) {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("recipient_rule." + field + " must be an array of tags");
        }
        List<String> tags = new ArrayList<>();
        node.forEach(tag -> {
            if (!tag.asText().isBlank()) {
                tags.add(tag.asText());
            }
        });
        return List.copyOf(tags);
    }
}
