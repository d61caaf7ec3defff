package org.edm.domain.alert;

import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.task.PauseReason;
import org.edm.domain.task.SendBatches;
import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert rules' set-based queries and the once-per-crossing lifecycle, on a real PostgreSQL. */
class AlertRulesTests {

    private JdbcTemplate jdbc;
    private Alerts alerts;
    private AlertRules rules;
    private final List<String> told = new ArrayList<>();
    private long operator;
    private long other;

    @BeforeEach
    void setUp() {
        TestDatabase.Database db = TestDatabase.freshDatabase();
        jdbc = new JdbcTemplate(db.dataSource());
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("recorder", new AlertListener() {
            @Override
            public void alertRaised(Alert alert) {
                told.add("raised " + alert.kind() + " " + alert.subject());
            }

            @Override
            public void alertResolved(Alert alert) {
                told.add("resolved " + alert.kind() + " " + alert.subject());
            }
        });
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(db.dataSource());
        alerts = new Alerts(named, beans.getBeanProvider(AlertListener.class));
        rules = new AlertRules(alerts, new AlertRules.Thresholds(50, 20, 0.10, 3, 0.05, 100));
        operator = user("operator");
        other = user("other");
    }

    @Test
    void aServiceBouncingMoreThanTheRateOverItsLastSendsAlertsOncePerCrossing() {
        long bad = service("bad");
        long borderline = service("borderline");
        long young = service("young");
        sends(bad, 44, 0);
        sends(bad, 6, 6); // the 6 newest bounced: 6 of 50 = 12 %
        sends(borderline, 45, 0);
        sends(borderline, 5, 5); // 10 %: not above
        sends(young, 10, 5); // 50 %, but fewer sends than the minimum

        rules.evaluate();
        rules.evaluate();

        assertThat(unresolved(AlertKinds.SENDER_BOUNCE_RATE_HIGH)).containsExactly("sender-service-" + bad);
        Alert alert = alerts.list(new Alerts.Query(null, AlertKinds.SENDER_BOUNCE_RATE_HIGH, null, 10)).get(0);
        assertThat(alert.message()).contains("6 of its last 50 sends bounced (12.0 %)").contains("above 10.0 %");
        assertThat(alert.details()).contains("\"bounces\": 6").contains("\"sends\": 50");
        assertThat(alert.senderServiceId()).isEqualTo(bad);

        sends(bad, 50, 0); // the last 50 are clean now
        assertThat(rules.evaluate().resolved()).isEqualTo(1);
        assertThat(unresolved(AlertKinds.SENDER_BOUNCE_RATE_HIGH)).isEmpty();

        sends(bad, 10, 10); // crosses again: a second alert
        rules.evaluate();
        assertThat(count(AlertKinds.SENDER_BOUNCE_RATE_HIGH, "sender-service-" + bad)).isEqualTo(2);
        assertThat(told).containsExactly("raised SENDER_BOUNCE_RATE_HIGH sender-service-" + bad,
                "resolved SENDER_BOUNCE_RATE_HIGH sender-service-" + bad,
                "raised SENDER_BOUNCE_RATE_HIGH sender-service-" + bad);
    }

    /**
     * The rule reads a service's last sends through its newest batches only (SendBatches.lastSent), also when it
     * names the service by the alias of its own statement ({@code s.id}): 20 closed batches of 30 sends, a window
     * of 50, and the statement reads the deliveries of two or three batches, not all 600.
     */
    @Test
    void theBounceRuleReadsTheNewestBatchesOfAServiceNotAllItSent() throws Exception {
        long busy = service("busy");
        long task = 4242;
        for (int batch = 0; batch < 20; batch++) {
            closedBatch(busy, task, 30);
        }
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
        java.util.Map<String, Object> params = java.util.Map.of("window", 50, "service", busy);
        String asTheRuleReadsIt = "SELECT r.sends FROM sender_services s CROSS JOIN LATERAL (SELECT count(*) AS sends"
                + " FROM (" + SendBatches.lastSent("s.id") + ") d) r WHERE s.id = :service";

        assertThat(named.queryForObject(asTheRuleReadsIt, params, Long.class)).isEqualTo(50);
        assertThat(named.queryForList(SendBatches.lastSent(":service"), params)).hasSize(50);
        String plan = named.queryForObject("EXPLAIN (ANALYZE, FORMAT JSON) " + asTheRuleReadsIt, params,
                String.class);
        long read = rowsRead(new com.fasterxml.jackson.databind.ObjectMapper().readTree(plan).get(0).get("Plan"),
                "deliveries");
        assertThat(read).as("deliveries rows the statement read").isBetween(50L, 200L);
    }

    /** Rows that the plan's scans of {@code table} returned, over all their loops. */
    private static long rowsRead(com.fasterxml.jackson.databind.JsonNode node, String table) {
        long rows = table.equals(node.path("Relation Name").asText())
                ? node.path("Actual Rows").asLong() * node.path("Actual Loops").asLong() : 0;
        for (com.fasterxml.jackson.databind.JsonNode child : node.path("Plans")) {
            rows += rowsRead(child, table);
        }
        return rows;
    }

    /**
     * A batch of {@code n} sends of the task through the service, as the send path writes it since V156: its id
     * range, then closed with its count.
     */
    private void closedBatch(long service, long task, int n) {
        String claim = "test/" + UUID.randomUUID();
        jdbc.update("INSERT INTO send_batches (claim_token, sender_service_id, task_id) VALUES (?, ?, ?)", claim,
                service, task);
        for (int i = 0; i < n; i++) {
            jdbc.update("""
                    INSERT INTO deliveries (task_id, status, token, sender_service_id, sent_at, claim_token)
                    VALUES (?, 'SENT', ?, ?, clock_timestamp(), ?)""", task, UUID.randomUUID().toString(), service,
                    claim);
        }
        jdbc.update("""
                UPDATE send_batches b SET first_id = r.lo, last_id = r.hi
                  FROM (SELECT min(id) AS lo, max(id) AS hi FROM deliveries WHERE claim_token = ?) r
                 WHERE b.claim_token = ?""", claim, claim);
        close(claim);
    }

    @Test
    void threeTasksInARowWithALowOpenRateAlertTheCampaignUntilATaskIsOpenedAgain() {
        long low = campaign(operator);
        long mixed = campaign(operator);
        long shortOne = campaign(operator);
        for (int seq = 0; seq < 3; seq++) {
            finishedTask(low, operator, seq, 40, seq == 0 ? 1 : 0); // 2.5 %, 0 %, 0 %
            finishedTask(mixed, operator, seq, 40, seq == 1 ? 10 : 0); // the middle one opened 25 %
        }
        finishedTask(shortOne, operator, 0, 40, 0);
        finishedTask(shortOne, operator, 1, 40, 0);

        rules.evaluate();

        assertThat(unresolved(AlertKinds.CAMPAIGN_OPEN_RATE_LOW)).containsExactly("campaign-" + low);
        Alert alert = alerts.list(new Alerts.Query(AlertState.OPEN, AlertKinds.CAMPAIGN_OPEN_RATE_LOW, null, 10))
                .get(0);
        assertThat(alert.ownerId()).isEqualTo(operator);
        assertThat(alert.message()).contains("last 3 finished tasks").contains("below 5.0 %");

        finishedTask(low, operator, 3, 40, 8); // 20 % opened: the streak is broken
        rules.evaluate();
        assertThat(unresolved(AlertKinds.CAMPAIGN_OPEN_RATE_LOW)).isEmpty();
        assertThat(alerts.list(new Alerts.Query(AlertState.RESOLVED, null, null, 10))).extracting(Alert::subject)
                .containsExactly("campaign-" + low);
    }

    @Test
    void frozenServicesPausedTasksAndFailingDomainsAreRaisedAndResolvedWithTheirState() {
        long service = service("smtp-1");
        jdbc.update("UPDATE sender_services SET health_status = 'FROZEN', frozen_reason = '3 failures' WHERE id = ?",
                service);
        long campaign = campaign(operator);
        long noService = task(campaign, operator, 0, "PAUSED", "当前没有可用发信服务");
        long noQuota = task(campaign, operator, 1, "PAUSED", PauseReason.NO_USER_QUOTA.text());
        task(campaign, operator, 2, "PAUSED", "paused by operator");
        long domain = jdbc.queryForObject("""
                INSERT INTO sending_domains (owner_id, name, status, verification_token, dkim_selector,
                                             dkim_public_key, dkim_private_ciphertext)
                VALUES (?, 'mail.example.com', 'FAILING', 't', 's', 'k', '\\x00') RETURNING id""", Long.class, other);

        rules.evaluate();

        assertThat(unresolved(AlertKinds.SENDER_SERVICE_FROZEN)).containsExactly("sender-service-" + service);
        assertThat(unresolved(AlertKinds.TASK_PAUSED_NO_SERVICE)).containsExactly("task-" + noService);
        assertThat(unresolved(AlertKinds.TASK_PAUSED_NO_QUOTA)).containsExactly("task-" + noQuota);
        assertThat(unresolved(AlertKinds.DOMAIN_DNS_FAILING)).containsExactly("domain-" + domain);
        assertThat(jdbc.queryForObject("SELECT severity FROM alerts WHERE kind = 'SENDER_SERVICE_FROZEN'",
                String.class)).isEqualTo("CRITICAL");

        jdbc.update("UPDATE sender_services SET health_status = 'ACTIVE' WHERE id = ?", service);
        jdbc.update("UPDATE tasks SET status = 'SENDING', pause_reason = NULL WHERE id = ?", noService);
        jdbc.update("UPDATE sending_domains SET status = 'VERIFIED' WHERE id = ?", domain);
        AlertRules.Outcome outcome = rules.evaluate();

        assertThat(outcome.raised()).isZero();
        assertThat(outcome.resolved()).isEqualTo(3);
        assertThat(outcome.unresolved()).isEqualTo(1);
        assertThat(unresolved(AlertKinds.TASK_PAUSED_NO_QUOTA)).containsExactly("task-" + noQuota);
    }

    @Test
    void quotaLowIsRaisedByTheLedgerAtTheCrossingAndResolvedWhenTheBalanceIsBackUp() {
        QuotaLedger ledger = new QuotaLedger(new NamedParameterJdbcTemplate(jdbc.getDataSource()), 100, alerts);
        ledger.credit(operator, 150, QuotaLedger.ADMIN_ADJUST, null, null, "grant");
        ledger.debit(operator, 60, QuotaLedger.TASK_RESERVE, "task:1", null, null);
        rules.evaluate();
        assertThat(unresolved(AlertKinds.QUOTA_LOW)).containsExactly("user:" + operator);

        jdbc.update("UPDATE users SET quota_balance = 500 WHERE id = ?", operator); // set behind the ledger's back
        rules.evaluate();
        assertThat(unresolved(AlertKinds.QUOTA_LOW)).as("the rule resolves what the ledger did not see").isEmpty();
    }

    @Test
    void anOperatorSeesAlertsAboutTheirOwnThingsAndServicesTheyUseAndAcknowledgesOnlyTheirOwn() {
        long shared = service("shared");
        long foreign = service("foreign");
        jdbc.update("INSERT INTO user_sender_service_access (user_id, sender_service_id) VALUES (?, ?)", operator,
                shared);
        jdbc.update("UPDATE sender_services SET health_status = 'FROZEN' WHERE id IN (?, ?)", shared, foreign);
        long mine = campaign(operator);
        long theirs = campaign(other);
        task(mine, operator, 0, "PAUSED", PauseReason.NO_USER_QUOTA.text());
        long theirTask = task(theirs, other, 0, "PAUSED", PauseReason.NO_USER_QUOTA.text());
        rules.evaluate();

        assertThat(alerts.list(new Alerts.Query(null, null, operator, 50))).extracting(Alert::subject)
                .containsExactlyInAnyOrder("sender-service-" + shared, "task-" + task(mine));
        long theirAlert = jdbc.queryForObject("SELECT id FROM alerts WHERE subject = ?", Long.class,
                "task-" + theirTask);
        long sharedAlert = jdbc.queryForObject("SELECT id FROM alerts WHERE subject = ?", Long.class,
                "sender-service-" + shared);
        assertThat(alerts.find(theirAlert, operator)).isEmpty();
        assertThat(alerts.acknowledge(theirAlert, operator, operator)).isEmpty();
        assertThat(alerts.acknowledge(sharedAlert, operator, operator)).as("a shared service's is the admins'")
                .isEmpty();
        assertThat(alerts.find(theirAlert, null).orElseThrow().state()).isEqualTo(AlertState.OPEN);

        Alert acknowledged = alerts.acknowledge(theirAlert, other, other).orElseThrow();
        assertThat(acknowledged.state()).isEqualTo(AlertState.ACKNOWLEDGED);
        assertThat(acknowledged.acknowledgedBy()).isEqualTo(other);
        assertThat(alerts.list(new Alerts.Query(AlertState.ACKNOWLEDGED, null, null, 50))).extracting(Alert::id)
                .containsExactly(theirAlert);
        rules.evaluate();
        assertThat(alerts.find(theirAlert, null).orElseThrow().state()).as("acknowledged is not resolved")
                .isEqualTo(AlertState.ACKNOWLEDGED);
    }

    private long task(long campaign) {
        return jdbc.queryForObject("SELECT id FROM tasks WHERE campaign_id = ? ORDER BY seq LIMIT 1", Long.class,
                campaign);
    }

    private List<String> unresolved(String kind) {
        return jdbc.queryForList("SELECT subject FROM alerts WHERE kind = ? AND resolved_at IS NULL ORDER BY id",
                String.class, kind);
    }

    private long count(String kind, String subject) {
        return jdbc.queryForObject("SELECT count(*) FROM alerts WHERE kind = ? AND subject = ?", Long.class, kind,
                subject);
    }

    private long user(String name) {
        return jdbc.queryForObject("INSERT INTO users (username) VALUES (?) RETURNING id", Long.class,
                name + "-" + UUID.randomUUID());
    }

    private long service(String name) {
        return jdbc.queryForObject("""
                INSERT INTO sender_services (name, provider, domain, daily_quota) VALUES (?, 'SMTP', 'example.com', 1000)
                RETURNING id""", Long.class, name);
    }

    /**
     * {@code n} sends through the service, newer than all before, the first {@code bounced} of them bounced. As the
     * send path writes them (SendBatches, which the rule reads through): spread over three batches that overlap in
     * time (lanes), two closed with their count and one still open, each with a newer delivery that was not sent.
     */
    private void sends(long service, int n, int bounced) {
        List<String> claims = List.of("test/" + UUID.randomUUID(), "test/" + UUID.randomUUID(),
                "test/" + UUID.randomUUID());
        for (String claim : claims) {
            jdbc.update("INSERT INTO send_batches (claim_token, sender_service_id, task_id) VALUES (?, ?, 0)", claim,
                    service);
        }
        for (int i = 0; i < n; i++) {
            long delivery = jdbc.queryForObject("""
                    INSERT INTO deliveries (task_id, status, token, sender_service_id, sent_at, claim_token)
                    VALUES (0, 'SENT', ?, ?, clock_timestamp(), ?) RETURNING id""", Long.class,
                    UUID.randomUUID().toString(), service, claims.get(i % claims.size()));
            if (i < bounced) {
                jdbc.update("INSERT INTO event_log (delivery_id, sender_service_id, type) VALUES (?, ?, 'BOUNCE')",
                        delivery, service);
            }
        }
        for (String claim : claims) {
            jdbc.update("""
                    INSERT INTO deliveries (task_id, status, token, sender_service_id, sent_at, claim_token)
                    VALUES (0, 'UNKNOWN', ?, ?, clock_timestamp(), ?)""", UUID.randomUUID().toString(), service,
                    claim);
        }
        for (String claim : claims.subList(0, 2)) {
            close(claim);
        }
    }

    /** Closes a send batch with its final count, as the send path does at the batch's end. */
    private void close(String claim) {
        new NamedParameterJdbcTemplate(jdbc).queryForMap(SendBatches.CLOSE, java.util.Map.of("claim", claim));
    }

    private long campaign(long owner) {
        return jdbc.queryForObject("INSERT INTO campaigns (owner_id, name, start_time) VALUES (?, 'c', now()) "
                + "RETURNING id", Long.class, owner);
    }

    private long task(long campaign, long owner, int seq, String status, String pauseReason) {
        long set = jdbc.queryForObject("INSERT INTO template_sets (owner_id, name) VALUES (?, 's') RETURNING id",
                Long.class, owner);
        return jdbc.queryForObject("""
                INSERT INTO tasks (campaign_id, owner_id, seq, name, plan_time, status, pause_reason, template_set_id,
                                   sender_name)
                VALUES (?, ?, ?, 't', now(), ?, ?, ?, 'news') RETURNING id""", Long.class, campaign, owner, seq,
                status, pauseReason, set);
    }

    /**
     * A finished task with {@code sent} sent deliveries in two send batches (one closed with its count, one open)
     * and one FAILED, {@code opened} of them opened (plus a machine open).
     */
    private void finishedTask(long campaign, long owner, int seq, int sent, int opened) {
        long task = task(campaign, owner, seq, "FINISHED", null);
        String closed = "test/" + UUID.randomUUID();
        String open = "test/" + UUID.randomUUID();
        for (String claim : List.of(closed, open)) {
            jdbc.update("INSERT INTO send_batches (claim_token, task_id) VALUES (?, ?)", claim, task);
        }
        jdbc.update("""
                INSERT INTO deliveries (task_id, status, token, claim_token)
                VALUES (?, 'FAILED', ?, ?)""", task, UUID.randomUUID().toString(), open);
        for (int i = 0; i < sent; i++) {
            long delivery = jdbc.queryForObject("""
                    INSERT INTO deliveries (task_id, status, token, sent_at, claim_token)
                    VALUES (?, 'SENT', ?, now(), ?) RETURNING id""", Long.class, task,
                    UUID.randomUUID().toString(), i % 2 == 0 ? closed : open);
            if (i < opened) {
                jdbc.update("INSERT INTO event_log (delivery_id, task_id, campaign_id, type) VALUES (?, ?, ?, 'OPEN')",
                        delivery, task, campaign);
                jdbc.update("INSERT INTO event_log (delivery_id, task_id, campaign_id, type) VALUES (?, ?, ?, 'OPEN')",
                        delivery, task, campaign);
            } else if (i == sent - 1) {
                jdbc.update("INSERT INTO event_log (delivery_id, task_id, campaign_id, type, machine) "
                        + "VALUES (?, ?, ?, 'OPEN', true)", delivery, task, campaign);
            }
        }
        close(closed);
    }
}
