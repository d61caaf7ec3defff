package org.edm.api.temporal;

import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import org.edm.api.EdmApiProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The api only starts, signals and queries workflows (no workers here). A REST call must not hang for the SDK's
 * default minute of retries when Temporal is down: bound each call and its retries, so the caller gets a prompt
 * 503 (or a campaign view without live progress).
 */
@Configuration(proxyBeanMethods = false)
class TemporalClientConfiguration {

    @Bean
    TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> boundedRpcTimeouts(EdmApiProperties properties) {
        EdmApiProperties.Temporal t = properties.temporal();
        return builder -> builder
                .setRpcTimeout(t.rpcTimeout())
                .setRpcQueryTimeout(t.queryTimeout())
                .setSystemInfoTimeout(t.rpcTimeout())
                .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(t.rpcTimeout()).build());
    }
}
