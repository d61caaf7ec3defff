package org.edm.activities.provider.aliyun;

import org.edm.domain.sender.ProviderSettings;

/**
 * The non-secret part of an Aliyun DirectMail service, as stored ({@link ProviderSettings.AliyunDm}).
 * {@code account_name} is the DirectMail sender address; without it each message goes out from its own sender name at
 * the service's domain. {@code endpoint} ({@code host[:port]}, plain HTTP) exists for tests and private gateways;
 * normally the SDK finds the region's endpoint itself.
 */
public record AliyunDmSettings(String region, String accessKeyId, String accountName, String fromAlias,
                               String endpoint) {

    public static AliyunDmSettings parse(String json) {
        ProviderSettings.AliyunDm stored = ProviderSettings.AliyunDm.read(json);
        return new AliyunDmSettings(stored.region(), stored.accessKeyId(), stored.accountName(), stored.fromAlias(),
                stored.endpoint());
    }
}
