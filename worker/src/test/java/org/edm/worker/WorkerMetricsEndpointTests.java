package org.edm.worker;

import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's only web server: its management port (EDM_WORKER_MANAGEMENT_PORT, 0 here as bin/edm-dev's many
 * workers may use), on loopback, answering Prometheus with the Temporal SDK's metrics and the send path's meters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "spring.temporal.test-server.enabled=true",
        "edm.credentials-key=" + TestDatabase.TEST_CREDENTIALS_KEY,
        "edm.public-base-url=https://edm.example.test",
        "EDM_WORKER_MANAGEMENT_PORT=0"})
@AutoConfigureObservability(tracing = false)
class WorkerMetricsEndpointTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", WorkerTestContext.DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @Test
    void prometheusScrapesTemporalSdkMetricsOnTheLoopbackManagementPort() throws Exception {
        assertThat(port).as("any free port").isPositive().isNotEqualTo(8081);
        HttpResponse<String> scrape = get("/actuator/prometheus");
        // the pollers of the starter's workers report through the SDK's tally scope (every second) into Micrometer
        for (int i = 0; i < 30 && !scrape.body().contains("temporal_"); i++) {
            Thread.sleep(1_000);
            scrape = get("/actuator/prometheus");
        }
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("temporal_").contains("application=\"edm-worker\"");
        assertThat(get("/actuator/health").body()).contains("UP");
        assertThat(get("/v1/campaigns").statusCode()).as("no API on the worker").isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
