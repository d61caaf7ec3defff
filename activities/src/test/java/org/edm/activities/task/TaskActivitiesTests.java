package org.edm.activities.task;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.BatchDriver;
import org.edm.activities.testing.Fixtures;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceState;
import org.edm.workflows.sender.SenderServiceStatus;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.edm.workflows.task.TaskDemand;
import org.edm.workflows.task.DeliveryCounts;
import org.edm.workflows.task.TaskAudience;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskActivitiesTests {

    private static BatchDriver temporal;

    private ActivitiesHarness harness;
    private Fixtures f;
    private TaskActivitiesImpl activities;
    private long owner;
    private long templateSet;
    private long campaign;

    @BeforeAll
    static void startTemporal() {
        temporal = new BatchDriver(RecordingSenderService.class);
    }

    @AfterAll
    static void stopTemporal() {
        temporal.close();
    }

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness();
        f = harness.fixtures;
        activities = harness.taskActivities(temporal.client());
        owner = f.user("operator");
        long template = f.template(owner, "Hi {{nickname}}", "<p>Hello {{nickname}}</p>");
        templateSet = f.templateSet(owner, template);
        campaign = f.campaign(owner, "spring sale");
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void includeAnyTagSelectsContactsWithAtLeastOneOfThem() {
        long vip = f.contact(owner, "vip@example.test", "V", "vip");
        long both = f.contact(owner, "both@example.test", "B", "vip", "beta");
        long beta = f.contact(owner, "beta@example.test", "Be", "beta");
        f.contact(owner, "none@example.test", "N");
        long task = f.task(campaign, owner, "{\"include_tags\":[\"vip\",\"beta\"],\"match\":\"ANY\"}", templateSet);

        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(contactsOf(task)).containsExactlyInAnyOrder(vip, both, beta);
        assertThat(audience.audienceSize()).isEqualTo(3);
        assertThat(audience.pending()).isEqualTo(3);
        assertThat(audience.ownerId()).isEqualTo(owner);
    }

    @Test
    void includeAllTagsSelectsOnlyContactsWithEveryOne() {
        f.contact(owner, "vip@example.test", "V", "vip");
        long both = f.contact(owner, "both@example.test", "B", "vip", "beta", "extra");
        f.contact(owner, "beta@example.test", "Be", "beta");
        long task = f.task(campaign, owner, "{\"include_tags\":[\"vip\",\"beta\"],\"match\":\"ALL\"}", templateSet);

        activities.materializeDeliveries(task);

        assertThat(contactsOf(task)).containsExactly(both);
    }

    @Test
    void excludeTagsWinOverIncludeAndEmptyIncludeMeansEveryContactOfTheOwner() {
        long plain = f.contact(owner, "plain@example.test", "P");
        long vip = f.contact(owner, "vip@example.test", "V", "vip");
        f.contact(owner, "churned@example.test", "C", "vip", "churned");
        long other = f.user("someone-else");
        f.contact(other, "theirs@example.test", "T");
        long task = f.task(campaign, owner, "{\"exclude_tags\":[\"churned\"]}", templateSet);

        activities.materializeDeliveries(task);

        assertThat(contactsOf(task)).as("the owner's contacts only, minus the excluded")
                .containsExactlyInAnyOrder(plain, vip);
    }

    @Test
    void suppressedAddressesAreSkippedWithTheirReason() {
        f.contact(owner, "keep@example.test", "K");
        long gone = f.contact(owner, "Gone@Example.test", "G");
        f.suppress(owner, "gone@example.test");
        long task = f.task(campaign, owner, "{}", templateSet);

        TaskAudience audience = activities.materializeDeliveries(task);

        assertThat(audience.audienceSize()).isEqualTo(2);
        assertThat(audience.pending()).isEqualTo(1);
        assertThat(f.jdbc().queryForMap("SELECT status, skip_reason FROM deliveries WHERE contact_id = ?", gone))
                .containsEntry("status", "SKIPPED").containsEntry("skip_reason", "SUPPRESSED");
    }

    @Test
    void marksTheTaskSendingOnceAndLogsIt() {
        f.contacts(owner, "c", 3);
        long task = f.task(campaign, owner, "{}", templateSet);

        activities.materializeDeliveries(task);
        activities.materializeDeliveries(task);

        assertThat(f.taskStatus(task)).isEqualTo("SENDING");
        assertThat(f.jdbc().queryForObject("SELECT audience_size FROM tasks WHERE id = ?", Integer.class, task))
                .isEqualTo(3);
        assertThat(f.jdbc().queryForObject("SELECT actual_start_time IS NOT NULL FROM tasks WHERE id = ?",
                Boolean.class, task)).isTrue();
        assertThat(f.jdbc().queryForList("SELECT from_status || '>' || to_status FROM task_execution_log "
                + "WHERE task_id = ?", String.class, task)).containsExactly("DRAFT>SENDING");
    }

    @Test
    void runningItAgainInsertsNothingTwiceKeepsTheTemplatesAndTokensAndAddsNobodyLater() {
        long t1 = f.template(owner, "one", "1");
        long t2 = f.template(owner, "two", "2");
        long t3 = f.template(owner, "three", "3");
        long set = f.templateSet(owner, t1, t2, t3);
        f.contacts(owner, "c", 60);
        long task = f.task(campaign, owner, "{}", set);

        activities.materializeDeliveries(task);
        List<Map<String, Object>> first = deliveries(task);
        f.contacts(owner, "late", 2);
        TaskAudience again = activities.materializeDeliveries(task);

        // the audience is resolved once, when the task starts: a later run (retry of failed deliveries) adds nobody
        List<Map<String, Object>> second = deliveries(task);
        assertThat(second).isEqualTo(first);
        assertThat(again.audienceSize()).isEqualTo(60);
        assertThat(f.jdbc().queryForObject("SELECT count(DISTINCT token) FROM deliveries WHERE task_id = ?",
                Integer.class, task)).isEqualTo(60);
        // 32 hex digits (the return path's local part stays within 64 characters): the delivery id / 4,096, so the
        // token index grows at its end, and 96 bits of a keyed hash
        assertThat(f.jdbc().queryForList("SELECT token FROM deliveries WHERE task_id = ?", String.class, task))
                .allMatch(token -> token.matches("[0-9a-f]{32}"));
        assertThat(f.jdbc().queryForObject("""
                SELECT bool_and(left(token, 8) = lpad(to_hex(id >> 12), 8, '0')) FROM deliveries WHERE task_id = ?""",
                Boolean.class, task)).isTrue();
        assertThat(f.jdbc().queryForObject("SELECT count(DISTINCT right(token, 24)) FROM deliveries "
                + "WHERE task_id = ?", Integer.class, task)).isEqualTo(60);
    }

    /**
     * 3,000 draws over 3 templates: the chi-square statistic (2 degrees of freedom) exceeds 27.6 with probability
     * 1e-6 when the choice is uniform, so this only fails for a real bias.
     */
    @Test
    void drawsTheTemplateUniformlyFromTheSet() {
        long t1 = f.template(owner, "one", "1");
        long t2 = f.template(owner, "two", "2");
        long t3 = f.template(owner, "three", "3");
        long set = f.templateSet(owner, t1, t2, t3);
        f.jdbc().update("""
                INSERT INTO contacts (owner_id, email, nickname)
                SELECT ?, 'bulk-' || g || '@example.test', 'Bulk ' || g FROM generate_series(1, 3000) g
                """, owner);
        long task = f.task(campaign, owner, "{}", set);

        activities.materializeDeliveries(task);

        Map<Long, Long> perTemplate = new java.util.HashMap<>();
        f.jdbc().query("SELECT template_id, count(*) FROM deliveries WHERE task_id = ? GROUP BY template_id",
                rs -> {
                    perTemplate.put(rs.getLong(1), rs.getLong(2));
                }, task);
        assertThat(perTemplate.keySet()).containsExactlyInAnyOrder(t1, t2, t3);
        double expected = 1000;
        double chiSquare = perTemplate.values().stream()
                .mapToDouble(n -> (n - expected) * (n - expected) / expected).sum();
        assertThat(chiSquare).as("chi-square of %s", perTemplate).isLessThan(27.6);
    }

    @Test
    void anEmptyTemplateSetFailsForGood() {
        f.contacts(owner, "c", 1);
        long empty = f.templateSet(owner);
        long task = f.task(campaign, owner, "{}", empty);

        assertThatThrownBy(() -> activities.materializeDeliveries(task))
                .isInstanceOfSatisfying(ApplicationFailure.class, e -> assertThat(e.isNonRetryable()).isTrue());
    }

    @Test
    void countsAndFinishesTheTaskWithItsSummary() {
        f.contacts(owner, "c", 5);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        f.jdbc().update("""
                UPDATE deliveries SET status = CASE WHEN id % 2 = 0 THEN 'SENT' ELSE 'FAILED' END,
                                      claim_token = 'test/claim' WHERE task_id = ?
                """, task);

        DeliveryCounts counts = activities.countDeliveries(task);
        activities.finishTask(task);
        activities.finishTask(task);

        assertThat(counts.total()).isEqualTo(5);
        assertThat(counts.sent() + counts.failed()).isEqualTo(5);
        assertThat(counts.outstanding()).isZero();
        assertThat(f.taskStatus(task)).isEqualTo("FINISHED");
        Map<String, Object> row = f.jdbc().queryForMap(
                "SELECT actual_end_time, summary_stats::text AS stats FROM tasks WHERE id = ?", task);
        assertThat(row.get("actual_end_time")).isNotNull();
        assertThat((String) row.get("stats")).contains("\"sent\": " + counts.sent()).contains("\"total\": 5");
        assertThat(f.jdbc().queryForList("SELECT to_status FROM task_execution_log WHERE task_id = ? ORDER BY id",
                String.class, task)).containsExactly("SENDING", "FINISHED");
    }

    @Test
    void abandonedClaimsAreSettledSoTheTaskCanFinish() {
        f.contacts(owner, "c", 2);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        f.jdbc().update("""
                UPDATE deliveries SET status = 'SENDING', claim_token = 'gone/run/1',
                       attempted_at = CASE WHEN id = (SELECT min(id) FROM deliveries WHERE task_id = ?) THEN now() END,
                       updated_at = now() - interval '2 hours'
                 WHERE task_id = ?
                """, task, task);

        DeliveryCounts counts = activities.countDeliveries(task);

        assertThat(counts.unknown()).as("attempted: may have been sent").isEqualTo(1);
        assertThat(counts.pending()).as("never attempted: sent by a later batch").isEqualTo(1);
        assertThat(counts.sending()).isZero();
    }

    /**
     * The recheck's cheap count reads the tail from the claim position and the open batches only, and finds there
     * the same PENDING and SENDING as the full count, after settling an abandoned claim in an open batch.
     */
    @Test
    void theRechecksOutstandingCountAgreesWithTheFullCount() {
        f.contacts(owner, "c", 10);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        List<Long> ids = f.jdbc().queryForList("SELECT id FROM deliveries WHERE task_id = ? ORDER BY id", Long.class,
                task);
        // as the send path leaves them: 1-3 SENT in a closed batch, 4-6 claimed by a batch still open (6 by an
        // activity gone for two hours, never attempted), the position after 6, 7-10 PENDING
        batch(task, "t/closed", ids.subList(0, 3), "SENT", true);
        batch(task, "t/open", ids.subList(3, 6), "SENDING", false);
        f.jdbc().update("UPDATE deliveries SET updated_at = now() - interval '2 hours' WHERE id = ?", ids.get(5));
        // the task's start opened its position at 0
        f.jdbc().update("UPDATE task_claim_positions SET claimed_below = ? WHERE task_id = ?", ids.get(6), task);

        DeliveryCounts outstanding = activities.countOutstanding(task);
        DeliveryCounts full = activities.countDeliveries(task);

        assertThat(full).isEqualTo(new DeliveryCounts(5, 2, 3, 0, 0, 0, 0));
        assertThat(outstanding).isEqualTo(new DeliveryCounts(full.pending(), full.sending(), 0, 0, 0, 0, 0));
        assertThat(f.jdbc().queryForObject("SELECT claimed_below FROM task_claim_positions WHERE task_id = ?",
                Long.class, task)).as("lowered to the settled one").isEqualTo(ids.get(5));

        f.jdbc().update("UPDATE deliveries SET status = 'SENT' WHERE task_id = ? AND status = 'SENDING'", task);
        f.jdbc().update("UPDATE send_batches SET closed_at = now() WHERE claim_token = 't/open'");
        f.jdbc().update("UPDATE deliveries SET status = 'CANCELLED', claim_token = 'no claim' WHERE task_id = ? "
                + "AND status = 'PENDING'", task);
        assertThat(activities.countOutstanding(task).outstanding()).isZero();
        assertThat(activities.countDeliveries(task)).isEqualTo(new DeliveryCounts(0, 0, 5, 0, 0, 5, 0));
    }

    /**
     * The pending count of a task reads its own tail, not the deliveries of the tasks materialised after it: an
     * earlier task's rows lie below a later task's in id order, so a scan of the id from its claim position on
     * would read every later delivery (issue plans12: the gauges' scrape took 21 s at five million).
     */
    @Test
    void thePendingCountOfAnEarlierTaskDoesNotReadTheLaterTasksDeliveries() throws Exception {
        f.contacts(owner, "c", 20_000);
        long earlier = f.task(campaign, owner, "{}", templateSet);
        long later = f.task(campaign, owner, "{}", templateSet);
        f.jdbc().update("""
                INSERT INTO deliveries (task_id, contact_id, status, token, claim_token)
                SELECT ?, id, CASE WHEN n <= 90 THEN 'SENT' ELSE 'PENDING' END, 'e' || id,
                       CASE WHEN n <= 90 THEN 't/e' END
                  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE owner_id = ?) c
                 WHERE n <= 100""", earlier, owner);
        f.jdbc().update("""
                INSERT INTO deliveries (task_id, contact_id, status, token, claim_token)
                SELECT ?, id, 'PENDING', 'l' || id, NULL FROM contacts WHERE owner_id = ?""", later, owner);
        f.jdbc().update("""
                INSERT INTO task_claim_positions (task_id, claimed_below)
                SELECT ?, min(id) FROM deliveries WHERE task_id = ? AND status = 'PENDING'""", earlier, earlier);
        f.jdbc().execute("VACUUM ANALYZE deliveries");

        assertThat(new org.edm.domain.quota.TaskQuota(harness.jdbc).pendingDeliveries(earlier)).isEqualTo(10);
        assertThat(activities.countOutstanding(earlier).pending()).isEqualTo(10);
        String plan = harness.jdbc.queryForObject("EXPLAIN (ANALYZE, FORMAT JSON) "
                        + org.edm.domain.quota.TaskQuota.PENDING_COUNT, Map.of("id", earlier), String.class);
        assertThat(rowsRead(new com.fasterxml.jackson.databind.ObjectMapper().readTree(plan).get(0).get("Plan"),
                "deliveries")).as("deliveries rows read").isLessThan(1_000);
    }

    /** Rows that the plan's scans of {@code table} returned or filtered out, over all their loops. */
    private static long rowsRead(com.fasterxml.jackson.databind.JsonNode node, String table) {
        long rows = table.equals(node.path("Relation Name").asText())
                ? (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong())
                * node.path("Actual Loops").asLong() : 0;
        for (com.fasterxml.jackson.databind.JsonNode child : node.path("Plans")) {
            rows += rowsRead(child, table);
        }
        return rows;
    }

    /** A claim's batch as the send path writes it: its rows with the token and status, its id range, open or not. */
    private void batch(long task, String claim, List<Long> ids, String status, boolean closed) {
        f.jdbc().update("UPDATE deliveries SET status = ?, claim_token = ?, updated_at = now() WHERE id BETWEEN ? "
                + "AND ?", status, claim, ids.get(0), ids.get(ids.size() - 1));
        f.jdbc().update("INSERT INTO send_batches (claim_token, task_id, first_id, last_id, closed_at, sent) "
                + "VALUES (?, ?, ?, ?, CASE WHEN ? THEN now() END, ?)", claim, task, ids.get(0),
                ids.get(ids.size() - 1), closed, closed ? ids.size() : null);
    }

    @Test
    void pauseResumeAndCancelMoveTheTaskWithLogRowsAndCancelOnlyUnsentDeliveries() {
        f.contacts(owner, "c", 5);
        long task = f.task(campaign, owner, "{}", templateSet);
        activities.materializeDeliveries(task);
        f.jdbc().update("UPDATE deliveries SET status = 'SENT', claim_token = 'test/claim' WHERE id IN "
                + "(SELECT id FROM deliveries WHERE task_id = ? ORDER BY id LIMIT 2)", task);

        assertThat(activities.pauseTask(task, "paused by operator")).isTrue();
        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(f.jdbc().queryForObject("SELECT pause_reason FROM tasks WHERE id = ?", String.class, task))
                .isEqualTo("paused by operator");
        assertThat(activities.resumeTask(task, "resumed by operator")).isTrue();
        assertThat(f.taskStatus(task)).isEqualTo("SENDING");
        assertThat(f.jdbc().queryForObject("SELECT pause_reason FROM tasks WHERE id = ?", String.class, task)).isNull();

        assertThat(activities.cancelTask(task, "cancelled by operator")).isEqualTo(3);
        assertThat(activities.cancelTask(task, "cancelled by operator")).as("idempotent").isZero();
        activities.refundUnsentQuota(task, 3);
        assertThat(f.taskStatus(task)).isEqualTo("CANCELLED");
        assertThat(activities.countDeliveries(task)).isEqualTo(new DeliveryCounts(0, 0, 2, 0, 0, 3, 0));
        assertThat(activities.pauseTask(task, "paused by operator")).as("an ended task is not paused").isFalse();
        assertThat(f.jdbc().queryForList("SELECT from_status || '>' || to_status || ' ' || reason "
                + "FROM task_execution_log WHERE task_id = ? ORDER BY id", String.class, task)).containsExactly(
                "DRAFT>SENDING plan time reached: audience materialised",
                "SENDING>PAUSED paused by operator",
                "PAUSED>SENDING resumed by operator",
                "SENDING>CANCELLED cancelled by operator (3 unsent deliveries cancelled)");
    }

    @Test
    void systemLabelsOfTheCampaignSelectExactlyTheRightContacts() {
        long opened = f.contact(owner, "opened@example.test", "O", "vip");
        long clicked = f.contact(owner, "clicked@example.test", "C");
        long replied = f.contact(owner, "replied@example.test", "R", "vip");
        long silent = f.contact(owner, "silent@example.test", "S", "vip");
        long never = f.contact(owner, "never@example.test", "N", "vip");
        long otherCampaign = f.campaign(owner, "another");
        // sent to by earlier tasks of the campaign (a SENT delivery each), engagement as labels
        delivery(campaign, opened, "SENT");
        label(campaign, opened, "opened_at");
        delivery(campaign, clicked, "SENT");
        label(campaign, clicked, "opened_at, clicked_at");
        delivery(campaign, replied, "SENT");
        label(campaign, replied, "replied_at");
        delivery(campaign, silent, "SENT");
        // sends and labels of another campaign never count
        delivery(otherCampaign, never, "SENT");
        label(otherCampaign, never, "opened_at, clicked_at, replied_at");

        assertThat(audience("{\"include_labels\":[\"opened_in_campaign\"]}")).containsExactlyInAnyOrder(opened, clicked);
        assertThat(audience("{\"include_labels\":[\"unopened_in_campaign\"]}"))
                .as("sent to in this campaign and did not open").containsExactlyInAnyOrder(replied, silent);
        assertThat(audience("{\"include_labels\":[\"clicked_in_campaign\"]}")).containsExactly(clicked);
        assertThat(audience("{\"include_labels\":[\"replied_in_campaign\"]}")).containsExactly(replied);
        assertThat(audience("{\"include_labels\":[\"unreplied_in_campaign\"]}"))
                .containsExactlyInAnyOrder(opened, clicked, silent);
        assertThat(audience("{\"exclude_labels\":[\"opened_in_campaign\"]}"))
                .as("everyone but the openers, also those never sent to").containsExactlyInAnyOrder(replied, silent, never);
        assertThat(audience("{\"include_tags\":[\"vip\"],\"include_labels\":[\"unopened_in_campaign\"]}"))
                .containsExactlyInAnyOrder(replied, silent);
        assertThat(audience("{\"include_tags\":[\"vip\"],\"exclude_labels\":[\"replied_in_campaign\","
                + "\"opened_in_campaign\"]}")).containsExactlyInAnyOrder(silent, never);
        assertThat(audience("{\"include_labels\":[\"opened_in_campaign\",\"replied_in_campaign\"],"
                + "\"exclude_labels\":[\"clicked_in_campaign\"]}")).as("any of the included, none of the excluded")
                .containsExactlyInAnyOrder(opened, replied);
    }

    @Test
    void aSentDeliveryOfAnEarlierTaskMakesTheContactSentToInTheCampaignForTheNextTask() {
        long sent = f.contact(owner, "sent@example.test", "S");
        long sentTwice = f.contact(owner, "twice@example.test", "T");
        long notYet = f.contact(owner, "not-yet@example.test", "N");
        long elsewhere = f.contact(owner, "elsewhere@example.test", "E");
        delivery(campaign, sent, "SENT");
        // sent by two earlier stages: one contact, once in the next audience
        delivery(campaign, sentTwice, "SENT");
        delivery(campaign, sentTwice, "SENT");
        delivery(campaign, notYet, "PENDING");
        delivery(f.campaign(owner, "another"), elsewhere, "SENT");

        assertThat(audience("{\"include_labels\":[\"unopened_in_campaign\"]}"))
                .as("sent to in this campaign and did not open").containsExactlyInAnyOrder(sent, sentTwice);
        assertThat(audience("{\"include_labels\":[\"unreplied_in_campaign\"]}"))
                .containsExactlyInAnyOrder(sent, sentTwice);
        assertThat(audience("{\"exclude_labels\":[\"unopened_in_campaign\"]}"))
                .as("everyone not sent to in this campaign").containsExactlyInAnyOrder(notYet, elsewhere);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FAILED", "UNKNOWN", "SKIPPED", "CANCELLED", "SENDING", "PENDING"})
    void aDeliveryThatWasNotSentDoesNotMakeTheContactSentToInTheCampaign(String status) {
        long contact = f.contact(owner, "maybe@example.test", "M");
        long sent = f.contact(owner, "sent@example.test", "S");
        delivery(campaign, contact, status);
        delivery(campaign, sent, "SENT");

        assertThat(audience("{\"include_labels\":[\"unopened_in_campaign\"]}")).containsExactly(sent);
        assertThat(audience("{\"exclude_labels\":[\"unreplied_in_campaign\"]}")).containsExactly(contact);
    }

    /**
     * Materialised in contact id ranges, each range statement reads the "sent" fact of its own ids only: contacts
     * sent to on both sides of a range boundary are each found by their own range.
     */
    @Test
    void theSentFactIsReadPerContactRange() {
        long first = f.contact(owner, "first@example.test", "F");
        long between = f.contact(owner, "between@example.test", "B");
        // the last contact far beyond the first, so the audience spans several sub-ranges of contact ids
        f.jdbc().queryForObject("SELECT setval('contacts_id_seq', ?)", Long.class,
                first + 3 * TaskActivitiesImpl.SUB_RANGE_IDS);
        long last = f.contact(owner, "last@example.test", "L");
        delivery(campaign, first, "SENT");
        delivery(campaign, last, "SENT");

        assertThat(audience("{\"include_labels\":[\"unopened_in_campaign\"]}"))
                .containsExactlyInAnyOrder(first, last);
        assertThat(audience("{\"exclude_labels\":[\"unopened_in_campaign\"]}")).containsExactly(between);
    }

    @Test
    void anUnknownLabelFailsForGoodNamingIt() {
        long task = f.task(campaign, owner, "{\"include_labels\":[\"opened_in_campain\"]}", templateSet);
        assertThatThrownBy(() -> activities.materializeDeliveries(task))
                .isInstanceOf(ApplicationFailure.class).hasMessageContaining("opened_in_campain");
    }

    /**
     * One delivery to the contact with this status, in a new earlier task of the campaign (as a stage that has run;
     * SENT with its sent_at, other settled ones without a claim, as the send path leaves them).
     */
    private void delivery(long campaignId, long contactId, String status) {
        long earlier = f.task(campaignId, owner, "{}", templateSet);
        f.jdbc().update("""
                INSERT INTO deliveries (task_id, contact_id, status, token, sent_at, claim_token)
                VALUES (?, ?, ?, md5(random()::text), CASE WHEN ? = 'SENT' THEN now() END,
                        CASE WHEN ? <> 'PENDING' THEN 'earlier claim' END)
                """, earlier, contactId, status, status, status);
    }

    private void label(long campaignId, long contactId, String columns) {
        String values = String.join(", ", java.util.Collections.nCopies(columns.split(",").length, "now()"));
        f.jdbc().update("INSERT INTO campaign_contact_labels (campaign_id, contact_id, " + columns + ") VALUES (?, ?, "
                + values + ")", campaignId, contactId);
    }

    private List<Long> audience(String rule) {
        long task = f.task(campaign, owner, rule, templateSet);
        activities.materializeDeliveries(task);
        return contactsOf(task);
    }

    @Test
    void publishesDemandToEveryUsableServiceOfTheOwner() {
        long usable = f.smtpService("a.example", 2525, 100, 0, null, null);
        long disabled = f.smtpService("b.example", 2525, 100, 0, null, null);
        long frozen = f.smtpService("c.example", 2525, 100, 0, null, null);
        long notGranted = f.smtpService("d.example", 2525, 100, 0, null, null);
        f.jdbc().update("UPDATE sender_services SET enabled = false WHERE id = ?", disabled);
        f.jdbc().update("UPDATE sender_services SET health_status = 'FROZEN' WHERE id = ?", frozen);
        f.grant(owner, usable);
        f.grant(owner, disabled);
        f.grant(owner, frozen);

        int told = activities.publishDemand(new TaskDemand(41, owner, 1000));
        activities.publishDemand(new TaskDemand(42, owner, 2000));

        assertThat(told).isEqualTo(1);
        SenderServiceWorkflow service = temporal.client().newWorkflowStub(SenderServiceWorkflow.class,
                WorkflowIds.senderService(usable));
        assertThat(service.status().waitingTaskIds()).containsExactly(41L, 42L);
        assertThat(running(WorkflowIds.senderService(notGranted))).isFalse();
        assertThat(running(WorkflowIds.senderService(disabled))).isFalse();
    }

    private boolean running(String workflowId) {
        try {
            temporal.client().newUntypedWorkflowStub(workflowId).describe();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private List<Long> contactsOf(long task) {
        return f.jdbc().queryForList("SELECT contact_id FROM deliveries WHERE task_id = ? ORDER BY id", Long.class,
                task);
    }

    private List<Map<String, Object>> deliveries(long task) {
        return f.jdbc().queryForList(
                "SELECT id, contact_id, template_id, token, status FROM deliveries WHERE task_id = ? ORDER BY id",
                task);
    }

    /** Stands in for the real sender-service workflow: remembers the demands it was signalled. */
    public static final class RecordingSenderService implements SenderServiceWorkflow {
        private final List<Long> tasks = new ArrayList<>();
        private final long id;

        @WorkflowInit
        public RecordingSenderService(SenderServiceState state) {
            id = state.senderServiceId();
        }

        @Override
        public void run(SenderServiceState state) {
            Workflow.await(() -> false);
        }

        @Override
        public void demand(TaskDemand demand) {
            tasks.add(demand.taskId());
        }

        @Override
        public void configurationChanged() {
        }

        @Override
        public SenderServiceStatus status() {
            return new SenderServiceStatus(id, "RECORDING", List.copyOf(tasks), 0, null);
        }
    }
}
