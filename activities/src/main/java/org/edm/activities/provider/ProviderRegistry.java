package org.edm.activities.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import org.edm.activities.delivery.DeliveryProperties;
import org.edm.activities.delivery.MailProvider;
import org.edm.activities.delivery.MailProviders;
import org.edm.activities.delivery.SenderServiceAccount;
import org.edm.activities.provider.aliyun.AliyunDmMailProvider;
import org.edm.activities.provider.aliyun.AliyunDmSettings;
import org.edm.activities.provider.engagelab.EngageLabMailProvider;
import org.edm.activities.provider.engagelab.EngageLabSettings;
import org.edm.activities.provider.smtp.SmtpMailProvider;
import org.edm.activities.provider.smtp.SmtpSettings;
import org.edm.domain.crypto.SecretBox;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds one provider per sender service and keeps it (with its open connections) until the service's settings
 * or secret change. Credentials are decrypted here, held only inside the provider, and never logged (INV-6).
 */
@Component
public class ProviderRegistry implements MailProviders, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SUPPORTED = Set.of("SMTP", "ALIYUN_DM", "ENGAGELAB");

    private final SecretBox secrets;
    private final int connectionsPerService;
    private final Map<Long, Cached> providers = new ConcurrentHashMap<>();

    public ProviderRegistry(SecretBox secrets, DeliveryProperties properties) {
        this.secrets = secrets;
        this.connectionsPerService = properties.concurrency();
    }

    @Override
    public boolean supports(String providerType) {
        return SUPPORTED.contains(providerType);
    }

    @Override
    public MailProvider forService(SenderServiceAccount account) {
        String fingerprint = account.fingerprint();
        return providers.compute(account.id(), (id, cached) -> {
            if (cached != null && cached.fingerprint().equals(fingerprint)) {
                return cached;
            }
            if (cached != null) {
                closeQuietly(cached.provider());
            }
            return new Cached(fingerprint, create(account));
        }).provider();
    }

    private MailProvider create(SenderServiceAccount account) {
        if (!supports(account.provider())) {
            throw new IllegalArgumentException("no provider for " + account.provider() + " on this worker");
        }
        JsonNode secret = openSecret(account);
        return switch (account.provider()) {
            case "ALIYUN_DM" -> new AliyunDmMailProvider(AliyunDmSettings.parse(account.settingsJson()),
                    secretField(secret, "access_key_secret"));
            case "ENGAGELAB" -> new EngageLabMailProvider(EngageLabSettings.parse(account.settingsJson()),
                    secretField(secret, "api_key"));
            default -> new SmtpMailProvider(SmtpSettings.parse(account.settingsJson(), account.domain()),
                    secretField(secret, "password"), connectionsPerService);
        };
    }

    private static String secretField(JsonNode secret, String field) {
        JsonNode value = secret.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    private JsonNode openSecret(SenderServiceAccount account) {
        if (account.secretCiphertext() == null || account.secretCiphertext().length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(secrets.open(account.secretCiphertext()));
        } catch (IOException e) {
            // the message would quote the plaintext: say only which service
            throw new IllegalStateException("the secret of sender service " + account.id() + " is not JSON");
        }
    }

    private static void closeQuietly(MailProvider provider) {
        if (provider instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the connection is being thrown away anyway
            }
        }
    }

    @Override
    @PreDestroy
    public void close() {
        providers.values().forEach(cached -> closeQuietly(cached.provider()));
        providers.clear();
    }

    private record Cached(String fingerprint, MailProvider provider) {
    }
}
