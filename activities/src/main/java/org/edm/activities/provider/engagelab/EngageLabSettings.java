package org.edm.activities.provider.engagelab;

import org.edm.domain.sender.ProviderSettings;

import java.net.URI;

/**
 * The non-secret part of an EngageLab service, as stored ({@link ProviderSettings.EngageLab}). {@code endpoint} is the
 * API's base URL (the data centre), https://email.api.engagelab.cc unless set.
 */
public record EngageLabSettings(String apiUser, URI endpoint, String fromName) {

    public static EngageLabSettings parse(String json) {
        ProviderSettings.EngageLab stored = ProviderSettings.EngageLab.read(json);
        if (stored.apiUser() == null) {
            throw new IllegalArgumentException("EngageLab settings have no api_user");
        }
        URI base = URI.create(stored.endpoint());
        if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
            throw new IllegalArgumentException("EngageLab endpoint must be an http(s) URL");
        }
        return new EngageLabSettings(stored.apiUser(), base, stored.fromName());
    }
}
