package org.edm.activities.delivery;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The send lanes' own PostgreSQL connections, for the statements an unthrottled batch runs per group of deliveries
 * ({@link DeliveryClaims#recordSentAndMarkAttempted} and the like, each its own transaction).
 *
 * <p>Why a pool of their own: the worker's other connections plan every execution with its own values
 * ({@code plan_cache_mode=force_custom_plan}, see the worker's application.yaml), because statements that find rows
 * by claim token or task got generic plans with a sequential scan of the whole table. The lanes' statements find
 * deliveries (and tasks) by primary key only, so one plan per connection serves every execution: these connections
 * use generic plans, and never a sequential scan ({@code enable_seqscan=off}: a generic plan made while the table was
 * a few pages, on a new installation, would otherwise keep scanning it until the next ANALYZE of the table). Planning
 * the group statement on every execution was about a seventh of its PostgreSQL time in the delivery benchmark.
 */
public final class SendLaneConnections implements AutoCloseable {

    static final String OPTIONS = "-c plan_cache_mode=force_generic_plan -c enable_seqscan=off";

    private final HikariDataSource dataSource;
    private final NamedParameterJdbcTemplate jdbc;

    public SendLaneConnections(DataSourceProperties properties, int poolSize) {
        dataSource = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        dataSource.setPoolName("edm-send-lanes");
        dataSource.setMaximumPoolSize(poolSize);
        // idle lanes need no connections; they come back within a batch
        dataSource.setMinimumIdle(0);
        dataSource.addDataSourceProperty("options", OPTIONS);
        jdbc = new NamedParameterJdbcTemplate(dataSource);
    }

    public NamedParameterJdbcTemplate jdbc() {
        return jdbc;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
