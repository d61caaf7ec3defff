package org.edm.activities.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import org.edm.domain.alert.Alerts;
import org.edm.activities.campaign.CampaignActivitiesImpl;
import org.edm.activities.delivery.DeliveryActivitiesImpl;
import org.edm.activities.delivery.DeliveryClaims;
import org.edm.activities.delivery.DeliveryProperties;
import org.edm.activities.delivery.MailProviders;
import org.edm.activities.delivery.MessageRenderer;
import org.edm.activities.delivery.SendLaneConnections;
import org.edm.activities.delivery.ServiceHealth;
import org.edm.activities.provider.ProviderRegistry;
import org.edm.activities.task.TaskActivitiesImpl;
import org.edm.domain.task.TaskTransitions;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.testing.TestDatabase;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * The real activity implementations wired by hand over a fresh database, the way the worker's Spring context
 * wires them, with seams for what a test wants to control (clock, provider wrapper).
 */
public final class ActivitiesHarness implements AutoCloseable {

    public static final String PUBLIC_BASE_URL = "https://edm.example.test";
    public static final org.edm.domain.tracking.TrackingUrls TRACKING = new org.edm.domain.tracking.TrackingUrls(
            PUBLIC_BASE_URL, new org.edm.domain.tracking.LinkSigner("activities-tests-tracking-key".getBytes()));
    /** Return paths as the worker issues them with {@code EDM_BOUNCE_DOMAIN=bounces.mail.example}. */
    public static final org.edm.activities.mailbox.ReturnPaths RETURN_PATHS = new org.edm.activities.mailbox.ReturnPaths(
            "bounces.mail.example", "activities-tests-bounce-key".getBytes(), java.util.List.of());

    public final TestDatabase.Database database = TestDatabase.freshDatabase();
    public final HikariDataSource dataSource;
    public final NamedParameterJdbcTemplate jdbc;
    /** The send lanes' own connections, as the worker wires them (generic plans, see SendLaneConnections). */
    public final SendLaneConnections lanes;
    public final TransactionTemplate tx;
    public final SecretBox secrets = SecretBox.fromBase64Key(TestDatabase.TEST_CREDENTIALS_KEY);
    public final Fixtures fixtures;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final ProviderRegistry providerRegistry;
    private final DeliveryProperties properties;

    public ActivitiesHarness() {
        this(DeliveryProperties.DEFAULTS);
    }

    public ActivitiesHarness(DeliveryProperties properties) {
        this.properties = properties;
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(20);
        jdbc = new NamedParameterJdbcTemplate(dataSource);
        DataSourceProperties laneDataSource = new DataSourceProperties();
        laneDataSource.setUrl(database.jdbcUrl());
        laneDataSource.setUsername("postgres");
        lanes = new SendLaneConnections(laneDataSource, properties.laneConnections(), null);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        fixtures = new Fixtures(new JdbcTemplate(dataSource), secrets);
        providerRegistry = new ProviderRegistry(secrets, properties);
    }

    public CampaignActivitiesImpl campaignActivities() {
        return new CampaignActivitiesImpl(jdbc, tx, new TaskTransitions(jdbc));
    }

    public TaskActivitiesImpl taskActivities(WorkflowClient client) {
        return new TaskActivitiesImpl(jdbc, tx, new TaskTransitions(jdbc), client, properties);
    }

    public DeliveryActivitiesImpl deliveryActivities() {
        return deliveryActivities(Clock.systemUTC(), providers -> providers);
    }

    public DeliveryActivitiesImpl deliveryActivities(Clock clock, UnaryOperator<MailProviders> wrapProviders) {
        return new DeliveryActivitiesImpl(new DeliveryClaims(jdbc, tx, lanes.jdbc()), wrapProviders.apply(providerRegistry),
                new MessageRenderer(jdbc, TRACKING, RETURN_PATHS), new ServiceHealth(jdbc, tx, new Alerts(jdbc)), properties, clock, meters);
    }

    @Override
    public void close() {
        providerRegistry.close();
        lanes.close();
        dataSource.close();
    }
}
