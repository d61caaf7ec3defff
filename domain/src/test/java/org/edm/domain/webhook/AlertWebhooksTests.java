package org.edm.domain.webhook;

import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.AlertListener;
import org.edm.domain.alert.Alerts;
import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Alerts reach the endpoints of the users they concern, through the outbox, in the alert's own transaction. */
class AlertWebhooksTests {

    private JdbcTemplate jdbc;
    private Alerts alerts;

    @BeforeEach
    void setUp() {
        TestDatabase.Database db = TestDatabase.freshDatabase();
        jdbc = new JdbcTemplate(db.dataSource());
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(db.dataSource());
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("alertWebhooks", new AlertWebhooks(named));
        alerts = new Alerts(named, beans.getBeanProvider(AlertListener.class));
    }

    private long user(String name) {
        return jdbc.queryForObject("INSERT INTO users (username, role) VALUES (?, 'OPERATOR') RETURNING id",
                Long.class, name + "-" + System.nanoTime());
    }

    private void endpoint(long owner, String... types) {
        jdbc.update("""
                INSERT INTO webhook_endpoints (owner_id, url, event_types, secret_ciphertext)
                VALUES (?, 'https://hooks.example.test/edm', ?::text[], '\\x00'::bytea)""",
                owner, "{" + String.join(",", types) + "}");
    }

    private java.util.List<String> bodiesOf(long owner) {
        return jdbc.queryForList("""
                SELECT d.event_type || ' ' || d.body::text FROM webhook_deliveries d
                  JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.owner_id = ? ORDER BY d.id""",
                String.class, owner);
    }

    @Test
    void anAlertAboutAUserReachesThatUsersSubscribedEndpointOnlyOncePerCrossing() {
        long owner = user("owner");
        long bystander = user("bystander");
        endpoint(owner, "alert.raised", "alert.resolved");
        endpoint(bystander, "alert.raised");
        long uninterested = user("uninterested");
        endpoint(uninterested, "task.finished");

        Alerts.Raise low = new Alerts.Raise(AlertKinds.QUOTA_LOW, AlertKinds.WARNING, "user:" + owner, owner, null,
                "quota low", Map.of("balance", 3));
        alerts.raise(low);
        alerts.raise(low); // still low: no new crossing, no second event
        alerts.resolve(AlertKinds.QUOTA_LOW, "user:" + owner);

        assertThat(bodiesOf(owner)).hasSize(2);
        assertThat(bodiesOf(owner).get(0)).startsWith("alert.raised").contains("QUOTA_LOW")
                .doesNotContain("quota low");
        assertThat(bodiesOf(owner).get(1)).startsWith("alert.resolved");
        assertThat(bodiesOf(bystander)).isEmpty();
        assertThat(bodiesOf(uninterested)).isEmpty();
    }
}
