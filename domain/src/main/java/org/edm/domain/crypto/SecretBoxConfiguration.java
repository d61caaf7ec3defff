package org.edm.domain.crypto;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The credentials key comes from the environment only: {@code EDM_CREDENTIALS_KEY} (current, version
 * {@code EDM_CREDENTIALS_KEY_VERSION}, default 1) and optionally {@code EDM_CREDENTIALS_KEY_V<n>} for older
 * versions still found in the database.
 */
@Configuration(proxyBeanMethods = false)
public class SecretBoxConfiguration {

    @Bean
    SecretBox secretBox(@Value("${EDM_CREDENTIALS_KEY:${edm.credentials-key:}}") String currentKey,
                        @Value("${EDM_CREDENTIALS_KEY_VERSION:1}") int currentVersion,
                        org.springframework.core.env.Environment env) {
        if (currentKey == null || currentKey.isBlank()) {
            throw new IllegalStateException("EDM_CREDENTIALS_KEY is not set (base64 of 32 random bytes, e.g. "
                    + "`openssl rand -base64 32`); the dev launcher creates one in .edm/credentials.key");
        }
        Map<Integer, byte[]> keys = new HashMap<>();
        for (int v = 1; v < currentVersion; v++) {
            String old = env.getProperty("EDM_CREDENTIALS_KEY_V" + v);
            if (old != null && !old.isBlank()) {
                keys.put(v, Base64.getDecoder().decode(old.trim()));
            }
        }
        keys.put(currentVersion, Base64.getDecoder().decode(currentKey.trim()));
        return new SecretBox(keys, currentVersion);
    }
}
