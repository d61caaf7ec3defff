package org.edm.domain.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: one embedded server per JVM, the Flyway schema migrated once into a template
 * database, and a fresh copy of it for each caller of {@link #freshDatabase()} (CREATE DATABASE ... TEMPLATE is
 * a file copy, so isolation costs milliseconds).
 */
public final class TestDatabase {

    /** Base64 of 32 zero-free test bytes; only ever used by tests. */
    public static final String TEST_CREDENTIALS_KEY = "dGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY=";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off");
                if ("1".equals(System.getenv("EDM_BENCH_PG_STATEMENTS"))) {
                    // opt-in statement profile for the benchmarks (pg_stat_statements needs preloading)
                    builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                            // planning time beside execution time: the worker plans every execution (see its
                            // datasource options), so planning is a cost of the send path to see
                            .setServerConfig("pg_stat_statements.track_planning", "on");
                }
                server = builder.start();
                try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE edm_template");
                }
                Flyway.configure().dataSource(server.getDatabase("postgres", "edm_template")).load().migrate();
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return server;
    }

    /** A new, migrated, empty database. */
    public static Database freshDatabase() {
        EmbeddedPostgres pg = server();
        String name = "edm_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " TEMPLATE edm_template");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Database(name, pg.getJdbcUrl("postgres", name), pg.getDatabase("postgres", name));
    }

    /** A migrated database: its JDBC url (user {@code postgres}, no password) and a DataSource. */
    public record Database(String name, String jdbcUrl, DataSource dataSource) {
    }
}
