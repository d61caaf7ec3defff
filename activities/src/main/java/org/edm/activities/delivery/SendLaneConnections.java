package org.edm.activities.delivery;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.List;

/**
 * The send lanes' own PostgreSQL connections, for the statements an unthrottled batch runs per group of deliveries
 * ({@link DeliveryClaims#LANE_STATEMENTS}: the attempted mark and the outcome, each its own transaction).
 *
 * <p>Why a pool of their own: the worker's other connections plan every execution with its own values
 * ({@code plan_cache_mode=force_custom_plan}, see the worker's application.yaml), because statements that find rows
 * by claim token or task got generic plans that scanned the whole table. But planning the group statement (a CTE
 * over deliveries, until round 9 also event_log and campaign_contact_labels, with their many indexes) on every
 * execution took about a seventh of its time, and it runs once per group of ten mails. The lanes' statements find deliveries (and tasks)
 * only by primary key, so one plan per connection can serve every execution: these connections use generic plans,
 * made once per statement and connection. A generic plan is made whatever the table's size at that moment, and kept
 * until the table is next analysed: made on a new installation's few rows, it could keep a sequential scan (or a
 * scan of another index) while the table grows to millions. So these connections never choose a sequential scan
 * ({@code enable_seqscan=off}), and the statements are written so that no index but the primary key can serve them
 * (see {@link DeliveryClaims#markAttempted(List, String)}); {@code DeliveryActivitiesTests} checks their plans made on
 * a three-row table.
 */
public final class SendLaneConnections implements AutoCloseable {

    static final String OPTIONS = "-c plan_cache_mode=force_generic_plan -c enable_seqscan=off";

    private final HikariDataSource dataSource;
    private final NamedParameterJdbcTemplate jdbc;

    /** {@code meters}: where the pool's Hikari metrics go ({@code hikaricp.connections.*{pool=edm-send-lanes}}), or null. */
    public SendLaneConnections(DataSourceProperties properties, int poolSize, MeterRegistry meters) {
        dataSource = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        dataSource.setPoolName("edm-send-lanes");
        dataSource.setMaximumPoolSize(poolSize);
        // idle lanes need no connections; they come back within a batch
        dataSource.setMinimumIdle(0);
        dataSource.addDataSourceProperty("options", OPTIONS);
        if (meters != null) {
            dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        }
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
