package org.edm.activities.provider.aliyun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The non-secret part of an Aliyun DirectMail service: {@code {"region", "access_key_id", "account_name",
 * "from_alias", "endpoint"}}. {@code account_name} is the DirectMail sender address; without it each message goes
 * out from its own sender name at the service's domain. {@code endpoint} ({@code host[:port]}, plain HTTP) exists for
 * tests and private gateways; normally the SDK finds the region's endpoint itself.
 */
public record AliyunDmSettings(String region, String accessKeyId, String accountName, String fromAlias,
                               String endpoint) {

    static final String DEFAULT_REGION = "cn-hangzhou";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static AliyunDmSettings parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (IOException e) {
            throw new IllegalArgumentException("Aliyun DirectMail settings are not JSON");
        }
        return new AliyunDmSettings(text(node, "region", DEFAULT_REGION), text(node, "access_key_id", null),
                text(node, "account_name", null), text(node, "from_alias", null), text(node, "endpoint", null));
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isBlank() ? fallback : value.asText().trim();
    }
}
