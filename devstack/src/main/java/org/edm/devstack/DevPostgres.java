package org.edm.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL of {@code bin/edm-dev}: real PostgreSQL 16 binaries (zonky), data kept in a project
 * folder so that campaigns survive a restart, stopped cleanly by SIGTERM/Ctrl-C.
 *
 * <p>Environment: {@code EDM_DEV_DB_PORT} (default 54329), {@code EDM_DEV_PGDATA} (default {@code .edm/pgdata}),
 * {@code EDM_DEV_DB_NAME} (default {@code edm}, created on first start). Authentication is {@code trust} on
 * localhost: user {@code postgres}, any password. For development only.
 */
public final class DevPostgres {

    private DevPostgres() {
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (Exception e) {
            // Exit non-zero even if a helper thread would keep the JVM alive: the launcher must see the failure.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        int port = Integer.parseInt(env("EDM_DEV_DB_PORT", "54329"));
        Path dataDir = Path.of(env("EDM_DEV_PGDATA", ".edm/pgdata")).toAbsolutePath().normalize();
        String database = env("EDM_DEV_DB_NAME", "edm");
        Files.createDirectories(dataDir);
        stopLeftoverPostmaster(dataDir);

        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "400") // api + ~30 per worker (EDM_DB_POOL_SIZE)
                // zonky tunes for throw-away test databases (-F, synchronous_commit=off); this data is meant to last.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("DevPostgres: stopping PostgreSQL");
            try {
                pg.close();
            } catch (IOException e) {
                System.err.println("DevPostgres: stop failed: " + e.getMessage());
            }
            stopped.countDown();
        }, "dev-postgres-stop"));

        createDatabaseIfMissing(pg, database);
        System.out.printf("DevPostgres: ready on port %d, data in %s, url jdbc:postgresql://localhost:%d/%s (user postgres)%n",
                port, dataDir, port, database);
        stopped.await();
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres pg, String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("EDM_DEV_DB_NAME must be a plain lower-case identifier: " + database);
        }
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            boolean exists;
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                q.setString(1, database);
                try (ResultSet rs = q.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + database);
                }
                System.out.println("DevPostgres: created database " + database);
            }
        }
    }

    /**
     * A PostgreSQL left running by a launcher that was killed with SIGKILL still owns the data folder; stop it
     * (fast shutdown) so this start can take over the same data.
     */
    private static void stopLeftoverPostmaster(Path dataDir) throws Exception {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Optional<ProcessHandle> postmaster = lines.isEmpty() ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        if (postmaster.isPresent() && postmaster.get().isAlive()
                && postmaster.get().info().command().map(cmd -> cmd.endsWith("postgres")).orElse(false)) {
            long pid = postmaster.get().pid();
            System.out.println("DevPostgres: stopping leftover PostgreSQL (pid " + pid + ") on " + dataDir);
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            postmaster.get().onExit().get(60, TimeUnit.SECONDS);
        } else {
            Files.deleteIfExists(pidFile);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
