package org.edm.worker;

import io.temporal.testing.TestWorkflowEnvironment;
import org.edm.domain.testing.TestDatabase;
import org.edm.workflows.EdmSearchAttributes;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker's real Spring context (application.yaml, the starter's worker registration, the activity beans) on a
 * fresh PostgreSQL, with the starter's in-process time-skipping Temporal test server in place of a cluster.
 * Test classes extending this share one context.
 */
@SpringBootTest(properties = {
        "spring.temporal.test-server.enabled=true",
        "edm.credentials-key=" + TestDatabase.TEST_CREDENTIALS_KEY,
        "edm.public-base-url=https://edm.example.test"})
abstract class WorkerTestContext {

    static final TestDatabase.Database DATABASE = TestDatabase.freshDatabase();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    static void registerSearchAttributes(TestWorkflowEnvironment env) {
        EdmSearchAttributes.ALL.forEach(key -> {
            try {
                env.registerSearchAttribute(key.getName(), key.getValueType());
            } catch (RuntimeException alreadyRegistered) {
                // the context (and its test server) is shared between test classes
            }
        });
    }
}
