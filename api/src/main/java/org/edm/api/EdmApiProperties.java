package org.edm.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * @param publicBaseUrl where recipients reach this api (tracking links, unsubscribe pages)
 * @param temporal      how long a REST call may wait for Temporal before it answers 503 / shows no live progress
 */
@ConfigurationProperties("edm")
public record EdmApiProperties(@DefaultValue("http://localhost:8080") URI publicBaseUrl,
                               @DefaultValue Temporal temporal) {

    /**
     * @param rpcTimeout   one start/signal call, and the total time its retries may take
     * @param queryTimeout one workflow query (a live progress read); a query waits for a worker, so keep it short
     */
    public record Temporal(@DefaultValue("5s") Duration rpcTimeout, @DefaultValue("3s") Duration queryTimeout) {
    }
}
