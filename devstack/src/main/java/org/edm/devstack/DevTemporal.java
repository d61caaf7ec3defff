package org.edm.devstack;

import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import org.edm.workflows.EdmSearchAttributes;

import java.util.concurrent.CountDownLatch;

/**
 * Fallback Temporal for {@code bin/edm-dev} when the Temporal CLI ({@code temporal server start-dev}) cannot be
 * installed: the Java test server bound to a port, running in real time (no time skipping), with the
 * {@link EdmSearchAttributes#ALL} registered on the {@code default} namespace.
 *
 * <p>Limits, so nobody is surprised: state is in memory only (a restart forgets running workflows), there is no
 * Web UI, and visibility queries ({@code ListWorkflowExecutions}) are not implemented.
 *
 * <p>Environment: {@code EDM_DEV_TEMPORAL_PORT} (default 7233).
 */
public final class DevTemporal {

    private DevTemporal() {
    }

    public static void main(String[] args) throws Exception {
        String portText = System.getenv().getOrDefault("EDM_DEV_TEMPORAL_PORT", "7233");
        int port = Integer.parseInt(portText.isBlank() ? "7233" : portText.trim());

        TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("DevTemporal: stopping");
            server.close();
            stopped.countDown();
        }, "dev-temporal-stop"));

        try {
            registerSearchAttributes("127.0.0.1:" + port);
        } catch (RuntimeException e) {
            // gRPC keeps the JVM alive; a half-started server must not look healthy to the launcher.
            e.printStackTrace();
            System.exit(1);
        }
        System.out.printf("DevTemporal: Java test server ready on 127.0.0.1:%d (in memory, no Web UI)%n", port);
        stopped.await();
    }

    private static void registerSearchAttributes(String target) {
        OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
                OperatorServiceStubsOptions.newBuilder().setTarget(target).validateAndBuildWithDefaults());
        try {
            AddSearchAttributesRequest.Builder request = AddSearchAttributesRequest.newBuilder().setNamespace("default");
            for (SearchAttributeKey<?> key : EdmSearchAttributes.ALL) {
                request.putSearchAttributes(key.getName(), key.getValueType());
            }
            operator.blockingStub().addSearchAttributes(request.build());
            System.out.println("DevTemporal: registered search attributes "
                    + EdmSearchAttributes.ALL.stream().map(SearchAttributeKey::getName).toList());
        } finally {
            operator.shutdown();
        }
    }
}
