package org.edm.activities.sending;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform's own Aliyun DirectMail account, in which developers' sender mailboxes are created (seed 004 step 10).
 * From the environment only: EDM_ALIYUN_DM_ACCESS_KEY_ID, EDM_ALIYUN_DM_ACCESS_KEY_SECRET, EDM_ALIYUN_DM_REGION,
 * EDM_ALIYUN_DM_ENDPOINT ({@code host:port}, plain HTTP: tests and private gateways only).
 */
@ConfigurationProperties("edm.aliyun-dm")
public record AliyunDmAccountProperties(String accessKeyId, String accessKeySecret,
                                        @DefaultValue("cn-hangzhou") String region, String endpoint) {

    public boolean configured() {
        return accessKeyId != null && !accessKeyId.isBlank() && accessKeySecret != null && !accessKeySecret.isBlank();
    }

    @Override
    public String toString() {
        // never the secret (INV-6)
        return "AliyunDmAccountProperties[accessKeyId=" + accessKeyId + ", region=" + region + ", endpoint="
                + endpoint + "]";
    }
}
