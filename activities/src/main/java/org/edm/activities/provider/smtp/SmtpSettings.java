package org.edm.activities.provider.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The non-secret part of an SMTP service: {@code {"host", "port", "username", "tls", "ssl"}}. {@code tls} means
 * STARTTLS is required; {@code ssl} (or port 465 with tls) means implicit TLS. {@code heloName} is the service's
 * domain, which is what a receiving server expects to hear.
 */
public record SmtpSettings(String host, int port, String username, boolean tls, boolean ssl, String heloName) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static SmtpSettings parse(String json, String domain) {
        JsonNode node;
        try {
            node = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (IOException e) {
            throw new IllegalArgumentException("SMTP settings are not JSON", e);
        }
        String host = node.path("host").asText("");
        if (host.isBlank()) {
            throw new IllegalArgumentException("SMTP settings have no host");
        }
        boolean tls = node.path("tls").asBoolean(false);
        int port = node.path("port").asInt(tls ? 587 : 25);
        boolean ssl = node.path("ssl").asBoolean(tls && port == 465);
        String username = node.path("username").asText("");
        return new SmtpSettings(host, port, username.isBlank() ? null : username, tls && !ssl, ssl, domain);
    }
}
