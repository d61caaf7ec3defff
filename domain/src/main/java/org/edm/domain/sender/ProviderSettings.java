package org.edm.domain.sender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The non-secret settings of a sender service as stored in {@code sender_services.settings} (JSON): one record per
 * provider, written by the api ({@code toStored()}) and read by the send path and the mailbox poller ({@code read}),
 * so the field names and defaults have one home. Secrets are never here: they are sealed in
 * {@code secret_ciphertext} (INV-6).
 */
public final class ProviderSettings {

    public static final String DEFAULT_ALIYUN_REGION = "cn-hangzhou";
    public static final String DEFAULT_ENGAGELAB_ENDPOINT = "https://email.api.engagelab.cc";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProviderSettings() {
    }

    /**
     * SMTP: {@code {"host", "port", "username", "tls", "ssl", "imap"}}. {@code tls} means STARTTLS is required;
     * {@code ssl} (implicit TLS) is only ever set by hand, else derived by the send path. {@code port} and
     * {@code ssl} are null when not stored.
     */
    public record Smtp(String host, Integer port, String username, boolean tls, Boolean ssl, Imap imap) {

        public static Smtp read(String json) {
            return read(parse(json, "SMTP"));
        }

        /** From the entity's settings map ({@code SenderService.getSettings()}). */
        public static Smtp read(Map<String, ?> stored) {
            return read(tree(stored));
        }

        private static Smtp read(JsonNode node) {
            JsonNode imap = node.path("imap");
            String username = node.path("username").asText("");
            return new Smtp(text(node, "host"), node.hasNonNull("port") ? node.get("port").asInt() : null,
                    username.isBlank() ? null : username, node.path("tls").asBoolean(false),
                    node.hasNonNull("ssl") ? node.get("ssl").asBoolean() : null,
                    imap.isObject() ? Imap.read(imap) : null);
        }

        public Map<String, Object> toStored() {
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("host", host);
            stored.put("port", port);
            stored.put("username", username);
            stored.put("tls", tls);
            if (ssl != null) {
                stored.put("ssl", ssl);
            }
            if (imap != null) {
                stored.put("imap", imap.toStored());
            }
            return stored;
        }
    }

    /**
     * The IMAP mailbox of an SMTP service that receives its replies and bounces: {@code {"host", "port", "username",
     * "ssl", "folder"}}; no username means the SMTP login.
     */
    public record Imap(String host, int port, String username, boolean ssl, String folder) {

        static Imap read(JsonNode node) {
            boolean ssl = node.path("ssl").asBoolean(false);
            String folder = text(node, "folder");
            String username = node.path("username").asText("");
            return new Imap(text(node, "host"), node.path("port").asInt(ssl ? 993 : 143),
                    username.isBlank() ? null : username, ssl, folder == null ? "INBOX" : folder);
        }

        Map<String, Object> toStored() {
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("host", host);
            stored.put("port", port);
            if (username != null) {
                stored.put("username", username);
            }
            stored.put("ssl", ssl);
            stored.put("folder", folder);
            return stored;
        }
    }

    /**
     * Aliyun DirectMail: {@code {"access_key_id", "region", "account_name", "from_alias", "endpoint"}}.
     * {@code account_name} is the DirectMail sender address; {@code endpoint} ({@code host[:port]}, plain HTTP) exists
     * for tests and private gateways and is never written by the api.
     */
    public record AliyunDm(String accessKeyId, String region, String accountName, String fromAlias, String endpoint) {

        public static AliyunDm read(String json) {
            return read(parse(json, "Aliyun DirectMail"));
        }

        /** From the entity's settings map ({@code SenderService.getSettings()}). */
        public static AliyunDm read(Map<String, ?> stored) {
            return read(tree(stored));
        }

        private static AliyunDm read(JsonNode node) {
            String region = text(node, "region");
            return new AliyunDm(text(node, "access_key_id"), region == null ? DEFAULT_ALIYUN_REGION : region,
                    text(node, "account_name"), text(node, "from_alias"), text(node, "endpoint"));
        }

        public Map<String, Object> toStored() {
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("access_key_id", accessKeyId);
            stored.put("region", region);
            stored.put("account_name", accountName);
            stored.put("from_alias", fromAlias);
            if (endpoint != null) {
                stored.put("endpoint", endpoint);
            }
            return stored;
        }
    }

    /** EngageLab: {@code {"api_user", "endpoint", "from_name"}}; {@code endpoint} is the API's base URL. */
    public record EngageLab(String apiUser, String endpoint, String fromName) {

        public static EngageLab read(String json) {
            return read(parse(json, "EngageLab"));
        }

        /** From the entity's settings map ({@code SenderService.getSettings()}). */
        public static EngageLab read(Map<String, ?> stored) {
            return read(tree(stored));
        }

        private static EngageLab read(JsonNode node) {
            return new EngageLab(text(node, "api_user"), endpoint(text(node, "endpoint")), text(node, "from_name"));
        }

        /** The base URL as stored: the default data centre unless set, without trailing slashes. */
        public static String endpoint(String given) {
            return given == null || given.isBlank() ? DEFAULT_ENGAGELAB_ENDPOINT
                    : given.trim().replaceAll("/+$", "");
        }

        public Map<String, Object> toStored() {
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("api_user", apiUser);
            stored.put("endpoint", endpoint);
            if (fromName != null) {
                stored.put("from_name", fromName);
            }
            return stored;
        }
    }

    private static JsonNode parse(String json, String provider) {
        try {
            return JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (IOException e) {
            throw new IllegalArgumentException(provider + " settings are not JSON");
        }
    }

    private static JsonNode tree(Map<String, ?> stored) {
        return stored == null ? JSON.createObjectNode() : JSON.valueToTree(stored);
    }

    /** A text field, trimmed; null when missing, null or blank. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
