package org.edm.activities.provider.engagelab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;

/**
 * The non-secret part of an EngageLab service: {@code {"api_user", "endpoint", "from_name"}}. {@code endpoint} is the
 * API's base URL (the data centre), https://email.api.engagelab.cc unless set.
 */
public record EngageLabSettings(String apiUser, URI endpoint, String fromName) {

    public static final String DEFAULT_ENDPOINT = "https://email.api.engagelab.cc";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static EngageLabSettings parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (IOException e) {
            throw new IllegalArgumentException("EngageLab settings are not JSON");
        }
        String apiUser = text(node, "api_user");
        if (apiUser == null) {
            throw new IllegalArgumentException("EngageLab settings have no api_user");
        }
        String endpoint = text(node, "endpoint");
        URI base = URI.create(endpoint == null ? DEFAULT_ENDPOINT : endpoint.replaceAll("/+$", ""));
        if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
            throw new IllegalArgumentException("EngageLab endpoint must be an http(s) URL");
        }
        return new EngageLabSettings(apiUser, base, text(node, "from_name"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
