package org.edm.activities.housekeeping;

import org.edm.workflows.housekeeping.HousekeepingActivities;
import org.edm.workflows.housekeeping.HousekeepingRound;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

/**
 * Removes what is past its retention ({@link RetentionProperties}), each kind in batches of its own statement.
 * Never touched: pending webhook deliveries, queued or sending API messages (their content is still to be sent), the
 * event log and the ledger (reports and balances are built from them).
 */
@Component("housekeepingActivities")
public class HousekeepingActivitiesImpl implements HousekeepingActivities {

    private final NamedParameterJdbcTemplate jdbc;
    private final RetentionProperties retention;
    private final Clock clock;

    public HousekeepingActivitiesImpl(NamedParameterJdbcTemplate jdbc, RetentionProperties retention, Clock clock) {
        this.jdbc = jdbc;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public HousekeepingRound sweepExpiredData() {
        long deliveries = inBatches(retention.webhookDeliveries(), """
                DELETE FROM webhook_deliveries WHERE id IN (
                    SELECT id FROM webhook_deliveries
                     WHERE status IN ('DELIVERED', 'FAILED') AND created_at < :before
                     ORDER BY created_at LIMIT :batch)
                """);
        long contents = inBatches(retention.messageContent(), """
                UPDATE api_messages SET html_body = '', text_body = NULL, headers = '{}'::jsonb, updated_at = now()
                 WHERE id IN (
                    SELECT id FROM api_messages
                     WHERE html_body <> '' AND created_at < :before AND status IN ('SENT', 'FAILED', 'UNKNOWN')
                     ORDER BY created_at LIMIT :batch)
                """);
        long tokens = inBatches(retention.expiredSignIns(), """
                DELETE FROM auth_tokens WHERE id IN (
                    SELECT id FROM auth_tokens WHERE expires_at < :before LIMIT :batch)
                """);
        long failures = inBatches(retention.expiredSignIns(), """
                DELETE FROM sign_in_failures WHERE id IN (
                    SELECT id FROM sign_in_failures WHERE at < :before LIMIT :batch)
                """);
        return new HousekeepingRound(deliveries, contents, tokens, failures);
    }

    private long inBatches(Duration kept, String sql) {
        MapSqlParameterSource params = new MapSqlParameterSource("before", Timestamp.from(clock.instant().minus(kept)))
                .addValue("batch", retention.batchSize());
        long total = 0;
        for (int batch = 0; batch < retention.maxBatches(); batch++) {
            int changed = jdbc.update(sql, params);
            total += changed;
            if (changed < retention.batchSize()) {
                break;
            }
        }
        return total;
    }
}
