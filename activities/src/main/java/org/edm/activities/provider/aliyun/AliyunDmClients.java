package org.edm.activities.provider.aliyun;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.http.HttpClientConfig;
import com.aliyuncs.policy.retry.RetryPolicy;
import com.aliyuncs.profile.DefaultProfile;

/**
 * One way to build a DirectMail SDK client, for sending ({@link AliyunDmMailProvider}) and for managing the
 * platform's account ({@link AliyunDmAdmin}): bounded timeouts and the SDK's own retries off, because Temporal
 * retries the activity and a hidden retry of a send could deliver twice.
 */
final class AliyunDmClients {

    private AliyunDmClients() {
    }

    static DefaultAcsClient newClient(String region, String accessKeyId, String accessKeySecret) {
        return newClient(region, accessKeyId, accessKeySecret, 10_000, 30_000);
    }

    /**
     * The SDK ignores the client's read timeout for some requests, so callers that must bound a call also set
     * {@code setSysConnectTimeout}/{@code setSysReadTimeout} on each request.
     */
    static DefaultAcsClient newClient(String region, String accessKeyId, String accessKeySecret,
                                      int connectTimeoutMillis, int readTimeoutMillis) {
        DefaultProfile profile = DefaultProfile.getProfile(region, accessKeyId, accessKeySecret);
        HttpClientConfig http = HttpClientConfig.getDefault();
        http.setConnectionTimeoutMillis(connectTimeoutMillis);
        http.setReadTimeoutMillis(readTimeoutMillis);
        http.setWriteTimeoutMillis(30_000);
        profile.setHttpClientConfig(http);
        DefaultAcsClient client = new DefaultAcsClient(profile);
        client.setAutoRetry(false);
        client.setMaxRetryNumber(0);
        client.setSysRetryPolicy(RetryPolicy.none());
        return client;
    }
}
