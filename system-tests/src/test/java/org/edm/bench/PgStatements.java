package org.edm.bench;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmarks' opt-in statement profile ({@code EDM_BENCH_PG_STATEMENTS=1}): pg_stat_statements with planning
 * time, reset when the measured phase starts and printed per 1,000 units (mails, messages) after it, with the
 * tables' update and HOT counts. {@link org.edm.domain.testing.TestDatabase} preloads the extension when the same
 * variable is set. The extension's own overhead is in such a run's figures, so its rates are not comparable with a
 * run without it.
 */
final class PgStatements {

    private PgStatements() {
    }

    static boolean enabled() {
        return "1".equals(System.getenv("EDM_BENCH_PG_STATEMENTS"));
    }

    /** Creates the extension in the benchmark's database (when enabled). */
    static void install(DataSource ds) throws SQLException {
        if (enabled()) {
            execute(ds, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    /** Forgets what was counted so far (when enabled): the measured phase starts. */
    static void reset(DataSource ds) throws SQLException {
        if (enabled()) {
            execute(ds, "SELECT pg_stat_statements_reset()");
        }
    }

    /**
     * The statements since {@link #reset} by total execution time (exec and plan ms per 1,000 {@code unit}s, calls,
     * plans, rows, buffers), then the tables' autovacuum/autoanalyze runs, updates and HOT updates (when enabled).
     */
    static void print(DataSource ds, long units, String unit) throws SQLException {
        if (!enabled()) {
            return;
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT calls, total_exec_time, total_plan_time, plans, rows,
                       shared_blks_hit + shared_blks_read AS blocks,
                       sum(total_exec_time) OVER () AS all_time, sum(total_plan_time) OVER () AS all_plan_time,
                       sum(calls) OVER () AS all_calls,
                       regexp_replace(query, '\\s+', ' ', 'g') AS query
                  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25""")) {
            System.out.printf("PostgreSQL statements of the measured phase by total execution time"
                    + " (exec and plan ms per 1,000 %s, calls, plans, rows, buffers):%n", unit);
            double allPlan = 0;
            double allExec = 0;
            long allCalls = 0;
            while (rs.next()) {
                String q = rs.getString("query");
                allPlan = rs.getDouble("all_plan_time");
                allExec = rs.getDouble("all_time");
                allCalls = rs.getLong("all_calls");
                System.out.printf("  %7.1f ms %6.1f %%  plan %6.1f ms %8d calls %8d plans %9d rows %10d buf  %s%n",
                        rs.getDouble("total_exec_time") * 1000 / Math.max(1, units),
                        100 * rs.getDouble("total_exec_time") / rs.getDouble("all_time"),
                        rs.getDouble("total_plan_time") * 1000 / Math.max(1, units), rs.getLong("calls"),
                        rs.getLong("plans"), rs.getLong("rows"), rs.getLong("blocks"),
                        q.length() > 200 ? q.substring(0, 200) : q);
            }
            System.out.printf("  all statements: exec %.1f ms, plan %.1f ms per 1,000 %s; %.2f statements per %s%n",
                    allExec * 1000 / Math.max(1, units), allPlan * 1000 / Math.max(1, units), unit,
                    allCalls / (double) Math.max(1, units), unit.endsWith("s") ? unit.substring(0, unit.length() - 1)
                            : unit);
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT relname, autovacuum_count, autoanalyze_count, n_tup_upd, n_tup_hot_upd,
                       pg_relation_size(relid) / 8192 AS pages
                  FROM pg_stat_user_tables WHERE autovacuum_count + autoanalyze_count > 0 OR n_tup_upd > 0
                 ORDER BY relname""")) {
            System.out.println("tables (autovacuum / autoanalyze runs since the database was made, updates, HOT,"
                    + " pages):");
            while (rs.next()) {
                System.out.printf("  %-28s %3d %3d %9d %9d %7d%n", rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6));
            }
        }
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
