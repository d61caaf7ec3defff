package org.edm.activities.delivery;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.BatchDriver;
import org.edm.activities.testing.Fixtures;
import org.edm.activities.testing.RecordingProviders;
import org.edm.activities.testing.RecordingProviders.Fault;
import org.edm.workflows.sender.DeliveryBatch;
import org.edm.workflows.sender.DeliveryBatchResult;
import org.edm.workflows.sender.ServicePace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The send path against a real PostgreSQL, a real SMTP server (GreenMail) and a real (in-process) Temporal
 * server driving the activity, so retries behave as in production.
 */
class DeliveryActivitiesTests {

    private static final String SMTP_USER = "edm-sender";
    private static final String SMTP_PASSWORD = "s3cret-Passw0rd";

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(SMTP_USER, SMTP_PASSWORD));

    private static BatchDriver temporal;

    private ActivitiesHarness harness;
    private Fixtures f;
    private long owner;
    private long campaign;
    private long templateSet;

    @BeforeAll
    static void startTemporal() {
        temporal = new BatchDriver();
    }

    @AfterAll
    static void stopTemporal() {
        temporal.close();
    }

    @BeforeEach
    void setUp() {
        useHarness(new ActivitiesHarness());
    }

    private void useHarness(ActivitiesHarness fresh) {
        if (harness != null) {
            harness.close();
        }
        harness = fresh;
        f = harness.fixtures;
        owner = f.user("operator");
        campaign = f.campaign(owner, "Spring sale");
        templateSet = f.templateSet(owner, f.template(owner, "Hello {{nickname}}",
                "<p>Dear {{nickname}}, see {{campaign_name}}.</p>"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
        harness = null;
    }

    private long service(int dailyQuota, double throttleSeconds) {
        return f.smtpService("mail.example", smtp.getSmtp().getPort(), dailyQuota, throttleSeconds, SMTP_USER,
                SMTP_PASSWORD);
    }

    /** A SENDING task with {@code contacts} PENDING deliveries. */
    private long taskWith(int contacts) {
        f.contacts(owner, "r" + campaign + "x" + System.nanoTime(), contacts);
        long task = f.task(campaign, owner, "{}", templateSet);
        harness.taskActivities(null).materializeDeliveries(task);
        return task;
    }

    private DeliveryBatchResult deliver(DeliveryActivitiesImpl activities, long service, long task, int max,
                                        long throttleMillis) {
        return temporal.deliver(activities, new DeliveryBatch(service, task, max, throttleMillis), 5);
    }

    /**
     * Contacts of the campaign that its next task selects as "sent to in this campaign" (the fact that segments
     * "received campaign X"): a follow-up task to unopened_in_campaign, as an operator's next stage would be (nothing
     * here is opened), materialised now.
     */
    private long sentInCampaign() {
        long next = f.task(campaign, owner, "{\"include_labels\":[\"unopened_in_campaign\"]}", templateSet);
        return harness.taskActivities(null).materializeDeliveries(next).audienceSize();
    }

    /** The task's sends as its send batches count them (SendBatches: closed batches' counts, open ones live). */
    private long sentThroughBatches(long task) {
        return f.jdbc().queryForObject("SELECT " + org.edm.domain.task.SendBatches.taskSent(Long.toString(task)),
                Long.class);
    }

    /** Each delivery of the task as "STATUS:number of its send events" (a SENT delivery has none, issue 12). */
    private List<String> sendEventsPerDelivery(long task) {
        return f.jdbc().queryForList("""
                SELECT d.status || ':' || count(e.id) FROM deliveries d
                  LEFT JOIN event_log e ON e.delivery_id = d.id AND e.type IN ('SEND_SUCCESS', 'SEND_FAIL')
                 WHERE d.task_id = ? GROUP BY d.id, d.status""", String.class, task);
    }

    private Map<String, Long> mailsPerRecipient() {
        return Arrays.stream(smtp.getReceivedMessages()).collect(Collectors.groupingBy(m -> {
            try {
                return m.getRecipients(Message.RecipientType.TO)[0].toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Collectors.counting()));
    }

    @Test
    void sendsEachDeliveryWithItsRenderedMailAndHeaders() throws Exception {
        long service = service(1000, 0);
        f.contact(owner, "bob@example.test", "Bob & <Co>");
        long task = f.task(campaign, owner, "{}", templateSet);
        harness.taskActivities(null).materializeDeliveries(task);

        DeliveryBatchResult result = deliver(harness.deliveryActivities(), service, task, 100, 0);

        assertThat(result.claimed()).isEqualTo(1);
        assertThat(result.sent()).isEqualTo(1);
        assertThat(result.taskDrained()).isTrue();
        assertThat(result.quotaExhausted()).isFalse();
        assertThat(result.serviceUnusable()).isFalse();
        MimeMessage mail = smtp.getReceivedMessages()[0];
        String token = f.jdbc().queryForObject("SELECT token FROM deliveries WHERE task_id = ?", String.class, task);
        assertThat(mail.getFrom()[0].toString()).isEqualTo("news@mail.example");
        assertThat(mail.getSubject()).isEqualTo("Hello Bob & <Co>");
        assertThat(mail.getMessageID()).isEqualTo("<" + token + "@mail.example>");
        // the envelope sender (MAIL FROM, which the receiving server writes as Return-Path) is the delivery's own
        // signed return path, so a bounce proves which delivery it is about
        String returnPath = mail.getHeader("Return-Path", null);
        assertThat(returnPath).matches("<bounce\\+" + token + "-[0-9a-f]{20}@bounces\\.mail\\.example>");
        assertThat(ActivitiesHarness.RETURN_PATHS.tokenOf(returnPath.substring(1, returnPath.length() - 1)))
                .isEqualTo(token);
        assertThat(mail.getHeader("List-Unsubscribe", null))
                .isEqualTo("<" + ActivitiesHarness.PUBLIC_BASE_URL + "/unsubscribe/" + token + ">");
        assertThat(mail.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        String body = (String) mail.getContent();
        assertThat(body).contains("Dear Bob &amp; &lt;Co&gt;, see Spring sale.")
                .contains(ActivitiesHarness.PUBLIC_BASE_URL + "/unsubscribe/" + token);
        Map<String, Object> row = f.jdbc().queryForMap("SELECT * FROM deliveries WHERE task_id = ?", task);
        assertThat(row).containsEntry("status", "SENT").containsEntry("sender_service_id", service)
                .containsEntry("message_id", "<" + token + "@mail.example>");
        assertThat(row.get("sent_at")).isNotNull();
        assertThat(row.get("attempted_at")).isNotNull();
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM event_log WHERE task_id = ? AND type = 'SEND_SUCCESS'",
                Integer.class, task)).as("no send event per mail (issue 12)").isZero();
        assertThat(f.jdbc().queryForMap("SELECT sender_service_id, task_id, sent, closed_at IS NOT NULL AS closed "
                + "FROM send_batches WHERE task_id = ?", task)).containsEntry("sender_service_id", service)
                .containsEntry("sent", 1).containsEntry("closed", true);
        assertThat(sentThroughBatches(task)).isEqualTo(1);
        assertThat(sentInCampaign()).isEqualTo(1);
        assertThat(harness.meters.get("edm.deliveries").tag("outcome", "sent")
                .tag("sender_service", String.valueOf(service)).tag("provider", "SMTP").counter().count())
                .isEqualTo(1.0);
        assertThat(harness.meters.get("edm.send.latency").tag("sender_service", String.valueOf(service))
                .timer().count()).isEqualTo(1);
    }

    @Test
    void adminDefinedVariablesAreFilledFromTheContactTheTagsAndTheSystemValues() throws Exception {
        long service = service(1000, 0);
        f.jdbc().update("""
                INSERT INTO email_variables (variable_key, display_name, source_type, source_details) VALUES
                    ('company', 'Company', 'CONTACT_FIELD', '{"attribute": "company"}'),
                    ('seats', 'Seats', 'CONTACT_FIELD', '{"field": "seats"}'),
                    ('missing', 'Missing', 'CONTACT_FIELD', '{"attribute": "no_such_attribute"}'),
                    ('vip', 'VIP', 'CONTACT_TAG', '{"tag": "vip"}'),
                    ('promo', 'Promotion', 'SYSTEM', '{"name": "campaign_name"}')
                """);
        long vip = f.contact(owner, "vip@example.test", "Vic", "vip", "beta");
        f.jdbc().update("UPDATE contacts SET attributes = ?::jsonb WHERE id = ?",
                "{\"company\": \"Acme & <Sons>\", \"seats\": 12}", vip);
        f.contact(owner, "plain@example.test", "Pat");
        long set = f.templateSet(owner, f.template(owner, "{{company}} / {{promo}}", """
                <p>[{{company}}][{{seats}}][{{missing}}]</p>{{#vip}}<p>VIP offer</p>{{/vip}}\
                {{^vip}}<p>regular</p>{{/vip}}<p>{{promo}}</p>"""));
        long task = f.task(campaign, owner, "{}", set);
        harness.taskActivities(null).materializeDeliveries(task);

        DeliveryBatchResult result = deliver(harness.deliveryActivities(), service, task, 100, 0);

        assertThat(result.sent()).isEqualTo(2);
        Map<String, MimeMessage> byRecipient = Arrays.stream(smtp.getReceivedMessages()).collect(Collectors.toMap(
                m -> {
                    try {
                        return m.getRecipients(Message.RecipientType.TO)[0].toString();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Function.identity()));
        MimeMessage toVip = byRecipient.get("vip@example.test");
        assertThat(toVip.getSubject()).isEqualTo("Acme & <Sons> / Spring sale");
        assertThat((String) toVip.getContent())
                .contains("<p>[Acme &amp; &lt;Sons&gt;][12][]</p><p>VIP offer</p><p>Spring sale</p>")
                .doesNotContain("regular");
        MimeMessage toPlain = byRecipient.get("plain@example.test");
        assertThat(toPlain.getSubject()).isEqualTo("/ Spring sale");
        assertThat((String) toPlain.getContent()).contains("<p>[][][]</p><p>regular</p><p>Spring sale</p>")
                .doesNotContain("VIP offer");
    }

    @Test
    void withoutThrottleSendsInParallelAndEveryRecipientGetsExactlyOneMail() {
        long service = service(1000, 0);
        long task = taskWith(60);
        RecordingProviders providers = RecordingProviders.recording(harness.providerRegistry);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        DeliveryBatchResult first = deliver(activities, service, task, 50, 0);
        DeliveryBatchResult second = deliver(activities, service, task, 50, 0);

        assertThat(first.sent()).isEqualTo(50);
        assertThat(first.taskDrained()).isFalse();
        assertThat(second.sent()).isEqualTo(10);
        assertThat(second.taskDrained()).isTrue();
        assertThat(mailsPerRecipient()).hasSize(60).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(task)).containsExactly(Map.entry("SENT", 60L));
        assertThat(overlappingCalls(providers.record)).as("sends overlapped").isTrue();
    }

    private static boolean overlappingCalls(List<RecordingProviders.Call> calls) {
        List<RecordingProviders.Call> sorted = calls.stream()
                .sorted(java.util.Comparator.comparingLong(RecordingProviders.Call::startNanos)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).startNanos() < sorted.get(i - 1).endNanos()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void neverClaimsBeyondTheDailyQuotaAndSaysWhenItResets() {
        long service = service(5, 0);
        long task = taskWith(8);

        DeliveryBatchResult first = deliver(harness.deliveryActivities(), service, task, 100, 0);
        DeliveryBatchResult second = deliver(harness.deliveryActivities(), service, task, 100, 0);

        assertThat(first.claimed()).isEqualTo(5);
        assertThat(first.sent()).isEqualTo(5);
        assertThat(first.quotaExhausted()).isTrue();
        assertThat(first.taskDrained()).isFalse();
        assertThat(Instant.ofEpochMilli(first.quotaResetsAtEpochMillis()))
                .isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(24 * 3600 + 60));
        assertThat(second.claimed()).isZero();
        assertThat(second.quotaExhausted()).isTrue();
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).isEqualTo(5);
        assertThat(smtp.getReceivedMessages()).hasSize(5);
        assertThat(f.deliveryStatuses(task)).containsEntry("SENT", 5L).containsEntry("PENDING", 3L);
    }

    @Test
    void usedTodayRollsOverAtTheServicesResetTime() {
        long service = service(3, 0);
        long task = taskWith(5);
        f.jdbc().update("""
                UPDATE sender_services SET reset_time = '08:00', used_today = 3, quota_day = '2026-03-09' WHERE id = ?
                """, service);
        Clock beforeReset = Clock.fixed(Instant.parse("2026-03-09T23:30:00Z"), ZoneOffset.UTC); // 07:30 Beijing
        Clock afterReset = Clock.fixed(Instant.parse("2026-03-10T00:30:00Z"), ZoneOffset.UTC); // 08:30 Beijing

        DeliveryBatchResult early = deliver(harness.deliveryActivities(beforeReset, p -> p), service, task, 10, 0);
        DeliveryBatchResult late = deliver(harness.deliveryActivities(afterReset, p -> p), service, task, 10, 0);

        assertThat(early.claimed()).isZero();
        assertThat(early.quotaExhausted()).isTrue();
        assertThat(Instant.ofEpochMilli(early.quotaResetsAtEpochMillis()))
                .isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
        assertThat(late.claimed()).isEqualTo(3);
        assertThat(late.quotaExhausted()).isTrue();
        assertThat(f.jdbc().queryForMap("SELECT used_today, quota_day::text AS day FROM sender_services WHERE id = ?",
                service)).containsEntry("used_today", 3).containsEntry("day", "2026-03-10");
    }

    /** INV-1 across processes: many claimers, each with its own connection, race for the last units of quota. */
    @Test
    void racingClaimersNeverSpendMoreThanTheDailyQuota() throws Exception {
        long service = service(10, 0);
        long taskA = taskWith(20);
        long taskB = taskWith(20);
        DeliveryClaims claims = new DeliveryClaims(harness.jdbc, harness.tx);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<DeliveryClaims.Claim>> claimers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            long task = i % 2 == 0 ? taskA : taskB;
            String token = "racer-" + i;
            claimers.add(() -> claims.claim(service, task, 3, token, Instant.now(), harness.providerRegistry));
        }
        int claimed = 0;
        for (Future<DeliveryClaims.Claim> claim : pool.invokeAll(claimers)) {
            claimed += claim.get().sending();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(claimed).isEqualTo(10);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).isEqualTo(10);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE status = 'SENDING'",
                Integer.class)).isEqualTo(10);
    }

    @Test
    void throttleKeepsTheIntervalBetweenTheEndOfOneSendAndTheStartOfTheNext() {
        long service = service(1000, 1);
        long task = taskWith(4);
        RecordingProviders providers = RecordingProviders.recording(harness.providerRegistry);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);
        ServicePace pace = activities.loadServicePace(service);

        DeliveryBatchResult result = deliver(activities, service, task, pace.batchSize(), pace.throttleMillis());

        assertThat(pace.throttleMillis()).isEqualTo(1000);
        assertThat(result.sent()).isEqualTo(4);
        assertThat(smtp.getReceivedMessages()).hasSize(4);
        List<RecordingProviders.Call> calls = providers.record;
        for (int i = 1; i < calls.size(); i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(calls.get(i).startNanos() - calls.get(i - 1).endNanos());
            assertThat(gapMillis).as("gap before send %d", i + 1).isGreaterThanOrEqualTo(1000);
        }
    }

    /**
     * INV-3 and INV-4: the provider delivers the 5th message, then the connection breaks. Temporal retries the
     * activity; the retry must not send that message again (it becomes UNKNOWN) and must send the rest.
     */
    @Test
    void aCrashMidBatchNeverSendsTwiceAndLeavesNothingUndecided() {
        long service = service(1000, 0.05);
        long task = taskWith(10);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry,
                n -> n == 5 ? Fault.UNCERTAIN_AFTER_SENDING : Fault.NONE);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        DeliveryBatchResult result = deliver(activities, service, task, 100, 50);

        assertThat(mailsPerRecipient()).hasSize(10).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(task)).containsOnlyKeys("SENT", "UNKNOWN")
                .containsEntry("SENT", 9L).containsEntry("UNKNOWN", 1L);
        assertThat(result.claimed()).isEqualTo(10);
        assertThat(result.sent()).isEqualTo(9);
        assertThat(result.unknown()).isEqualTo(1);
        assertThat(result.taskDrained()).isTrue();
        assertThat(providers.calls()).as("the retry did not call the provider for the interrupted one").isEqualTo(10);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).as("the retry claimed nothing more").isEqualTo(10);
    }

    @Test
    void aCrashDuringParallelSendingAlsoSendsEachRecipientOnce() {
        long service = service(1000, 0);
        long task = taskWith(40);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry,
                n -> n == 12 ? Fault.UNCERTAIN_AFTER_SENDING : Fault.NONE);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        deliver(activities, service, task, 100, 0);

        assertThat(mailsPerRecipient()).hasSize(40).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(task)).containsOnlyKeys("SENT", "UNKNOWN").containsEntry("UNKNOWN", 1L);
        // no send events; the batch, reopened by the retry and closed by its final count, counts each SENT once
        assertThat(sendEventsPerDelivery(task)).hasSize(40).containsOnly("SENT:0", "UNKNOWN:0");
        assertThat(sentThroughBatches(task)).isEqualTo(39);
        assertThat(sentInCampaign()).isEqualTo(39);
    }

    /**
     * Two lanes, groups of 5, 40 deliveries: each lane records a group's accepted messages with its next group's
     * attempted mark, in one statement. A send of uncertain outcome stops the batch mid-way; what either lane had
     * accepted before is recorded SENT (the failing lane's group, and the other lane's last group, which no next
     * group's mark took with it), and only the uncertain one is UNKNOWN, after the retry sent the rest. The same
     * whether each lane has its statement or the lanes share one (edm.delivery.shared-lane-statement).
     */
    @ParameterizedTest(name = "shared lane statement: {0}")
    @ValueSource(booleans = {false, true})
    void eachLaneRecordsAGroupWithItsNextGroupsMarkAndAStopLosesNoAcceptedMessage(boolean sharedLaneStatement) {
        useHarness(new ActivitiesHarness(new DeliveryProperties(1000, 2, java.time.Duration.ofMinutes(30), 5, 8,
                sharedLaneStatement)));
        long service = service(1000, 0);
        long task = taskWith(40);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry,
                n -> n == 23 ? Fault.UNCERTAIN_AFTER_SENDING : Fault.NONE);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        DeliveryBatchResult result = deliver(activities, service, task, 100, 0);

        assertThat(providers.calls()).as("nobody was called twice").isEqualTo(40);
        assertThat(mailsPerRecipient()).hasSize(40).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(task)).containsOnly(Map.entry("SENT", 39L), Map.entry("UNKNOWN", 1L));
        assertThat(result.sent()).isEqualTo(39);
        assertThat(sendEventsPerDelivery(task)).hasSize(40).containsOnly("SENT:0", "UNKNOWN:0");
        assertThat(sentThroughBatches(task)).isEqualTo(39);
        assertThat(sentInCampaign()).isEqualTo(39);
    }

    /**
     * An unthrottled batch reads its recipients a page at a time (here 2 lanes × groups of 5 × 4 = 40 a page, 130
     * deliveries: four pages). A send of uncertain outcome on the third page stops the batch; the retry reads what is
     * still unattempted and sends it: everybody gets exactly one mail, and only the uncertain one is UNKNOWN.
     */
    @Test
    void aBatchReadPageByPageSendsEveryoneOnceAcrossAStopAndItsRetry() {
        useHarness(new ActivitiesHarness(new DeliveryProperties(1000, 2, java.time.Duration.ofMinutes(30), 5, 8,
                false)));
        long service = service(1000, 0);
        long task = taskWith(130);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry,
                n -> n == 97 ? Fault.UNCERTAIN_AFTER_SENDING : Fault.NONE);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        DeliveryBatchResult result = deliver(activities, service, task, 1000, 0);

        assertThat(providers.calls()).as("nobody was called twice").isEqualTo(130);
        assertThat(mailsPerRecipient()).hasSize(130).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(task)).containsOnly(Map.entry("SENT", 129L), Map.entry("UNKNOWN", 1L));
        assertThat(result.sent()).isEqualTo(129);
        assertThat(result.taskDrained()).isTrue();
    }

    /**
     * A pause while a large batch runs: the pages read after it offer nothing, so the batch stops within the pages
     * already read (here 40 a page) instead of sending the rest of its claim, and gives the rest back to the task:
     * PENDING again, their quota back to the service, nothing UNKNOWN and nobody mailed twice.
     */
    @Test
    void aPauseStopsALargeBatchWithinAPageOrTwoAndTheRestGoesBack() {
        StoppedBatch stopped = stopALargeBatchAtItsTenthMail(
                task -> harness.taskActivities(null).pauseTask(task, "paused by operator: test"));

        int sent = stopped.sent();
        assertThat(sent).as("the pages read before the pause: at most two of 40 (and the groups in flight)")
                .isBetween(10, 80);
        assertThat(mailsPerRecipient()).hasSize(sent).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(stopped.task())).containsOnly(Map.entry("SENT", (long) sent),
                Map.entry("PENDING", 200L - sent));
        assertThat(stopped.result().sent()).isEqualTo(sent);
        assertThat(stopped.result().taskDrained()).as("a paused task offers nothing until it resumes").isTrue();
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                stopped.service())).as("the service's quota is spent only on what was sent").isEqualTo(sent);
    }

    /**
     * A cancel while a large batch sends what its claim returned: the task-status read before the next page of groups
     * finds the task CANCELLED, so the batch stops within a page or two (here 40 a page) and the rest of its claim goes
     * back CANCELLED (the task has ended: nothing would ever send it), nobody is mailed twice, nothing is UNKNOWN and
     * the service's quota is spent only on what was sent.
     */
    @Test
    void aCancelStopsALargeBatchWithinAPageOrTwoAndTheRestEndsCancelled() {
        StoppedBatch stopped = stopALargeBatchAtItsTenthMail(
                task -> harness.taskActivities(null).cancelTask(task, "cancelled by operator"));

        int sent = stopped.sent();
        assertThat(sent).as("the pages read before the cancel: at most two of 40 (and the groups in flight)")
                .isBetween(10, 80);
        assertThat(mailsPerRecipient()).hasSize(sent).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(stopped.task())).containsOnly(Map.entry("SENT", (long) sent),
                Map.entry("CANCELLED", 200L - sent));
        assertThat(stopped.result().sent()).isEqualTo(sent);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                stopped.service())).as("the service's quota is spent only on what was sent").isEqualTo(sent);
    }

    private record StoppedBatch(long service, long task, int sent, DeliveryBatchResult result) {
    }

    /**
     * One batch of a 200-delivery task sent in pages of 40 (group 5, 8 lanes), with {@code stop} applied to the task
     * when the provider is called for the tenth time.
     */
    private StoppedBatch stopALargeBatchAtItsTenthMail(java.util.function.LongConsumer stop) {
        useHarness(new ActivitiesHarness(new DeliveryProperties(1000, 2, java.time.Duration.ofMinutes(30), 5, 8,
                false)));
        long service = service(1000, 0);
        long task = taskWith(200);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry, n -> {
            if (n == 10) {
                stop.accept(task);
            }
            return Fault.NONE;
        });
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);
        DeliveryBatchResult result = deliver(activities, service, task, 1000, 0);
        return new StoppedBatch(service, task, providers.calls(), result);
    }

    /**
     * The claim hands rendering what it needs (a first attempt reads no recipient by id afterwards): the SENDING
     * deliveries only, in id order, each with its contact's address, nickname, tags and attributes, and the task's
     * names once; a suppressed contact's delivery is SKIPPED and not among them.
     */
    @Test
    void theClaimReturnsWhatRenderingNeedsForTheDeliveriesItWillSend() {
        long task = taskWith(3);
        List<Long> contacts = f.jdbc().queryForList("SELECT id FROM contacts ORDER BY id", Long.class);
        f.jdbc().update("UPDATE contacts SET nickname = 'Ann', tags = ARRAY['vip','b'], attributes = "
                + "'{\"city\": \"Hangzhou\", \"n\": 3}' WHERE id = ?", contacts.get(2));
        f.suppress(owner, f.jdbc().queryForObject("SELECT email FROM contacts WHERE id = ?", String.class,
                contacts.get(0)));
        long service = service(1000, 0);
        DeliveryClaims claims = new DeliveryClaims(harness.jdbc, harness.tx);

        DeliveryClaims.Claim claim = claims.claim(service, task, 10, "returning", Instant.now(),
                harness.providerRegistry);

        assertThat(claim.sending()).isEqualTo(2);
        assertThat(claim.skipped()).isEqualTo(1);
        List<Long> sending = f.jdbc().queryForList("SELECT id FROM deliveries WHERE task_id = ? AND status = 'SENDING' "
                + "ORDER BY id", Long.class, task);
        assertThat(claim.claimed().deliveryIds()).isEqualTo(sending);
        assertThat(claim.claimed().get(0).deliveryId()).isEqualTo(sending.get(0));
        MessageRenderer.Recipient last = DeliveryClaims.unsent(claim.claimed().get(1), claim.names()).recipient();
        assertThat(last.email()).isEqualTo(f.jdbc().queryForObject("SELECT email FROM contacts WHERE id = ?",
                String.class, contacts.get(2)));
        assertThat(last.nickname()).isEqualTo("Ann");
        assertThat(last.tags()).containsExactlyInAnyOrder("vip", "b");
        assertThat(last.attributes()).containsOnly(Map.entry("city", "Hangzhou"), Map.entry("n", "3"));
        assertThat(last.token()).isEqualTo(f.jdbc().queryForObject("SELECT token FROM deliveries WHERE id = ?",
                String.class, sending.get(1)));
        assertThat(last.taskName()).isEqualTo(f.jdbc().queryForObject("SELECT name FROM tasks WHERE id = ?",
                String.class, task));
        assertThat(last.senderName()).isNotBlank();
        assertThat(last.campaignName()).isEqualTo(f.jdbc().queryForObject("SELECT name FROM campaigns WHERE id = ?",
                String.class, campaign));
    }

    /**
     * A lane may hand later messages of its group over ahead of their turn (SMTP CHUNKING writes whole messages
     * ahead). One lane, groups of 5, 10 deliveries; the lane hands each group over whole on its first send, and the
     * connection "breaks" on the group's third message: the first two are SENT, the third is UNKNOWN, and so are the
     * fourth and fifth, which the server has although their replies were never read; they must not be handed back as
     * unsent, or the retry would send them a second time. The other group is sent by the retry.
     */
    @Test
    void messagesALaneHandedOverAheadAreNeverGivenBackAsUnsentWhenTheGroupStops() {
        useHarness(new ActivitiesHarness(new DeliveryProperties(1000, 1, java.time.Duration.ofMinutes(30), 5, 8, false)));
        long service = service(1000, 0);
        long task = taskWith(10);
        java.util.concurrent.atomic.AtomicInteger sends = new java.util.concurrent.atomic.AtomicInteger();
        MailProviders writingAhead = providersWrapping(real -> new MailProvider() {
            @Override
            public String send(OutgoingMail mail) {
                return real.send(mail);
            }

            @Override
            public Lane lane() {
                List<OutgoingMail> ahead = new java.util.ArrayList<>();
                return new Lane() {
                    @Override
                    public String send(OutgoingMail mail, List<OutgoingMail> following) {
                        String id = ahead.contains(mail) ? "ahead" : real.send(mail);
                        for (OutgoingMail next : following) {
                            if (!ahead.contains(next)) {
                                ahead.add(next);
                                real.send(next);
                            }
                        }
                        if (sends.incrementAndGet() == 3) {
                            throw new MailSendException(MailSendException.Kind.UNCERTAIN,
                                    "injected: connection reset before the replies were read");
                        }
                        return id;
                    }

                    @Override
                    public boolean handedOverAhead(OutgoingMail mail) {
                        return ahead.contains(mail);
                    }
                };
            }
        });
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> writingAhead);

        DeliveryBatchResult result = deliver(activities, service, task, 100, 0);

        assertThat(mailsPerRecipient()).hasSize(10).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(task)).containsOnly(Map.entry("SENT", 7L), Map.entry("UNKNOWN", 3L));
        assertThat(result.sent()).isEqualTo(7);
        assertThat(result.unknown()).isEqualTo(3);
        assertThat(sendEventsPerDelivery(task)).hasSize(10).containsOnly("SENT:0", "UNKNOWN:0");
        assertThat(sentThroughBatches(task)).isEqualTo(7);
    }

    /**
     * The lanes' connections plan each statement once and reuse the plan (generic plans). Made on a table of three
     * rows without statistics, where a plan could as well scan the table or another index, each of the lanes'
     * statements still finds deliveries by primary key only, so the plan stays right whatever the table grows to.
     */
    @Test
    void theLanesGenericPlansFindDeliveriesByPrimaryKeyEvenMadeOnATinyTable() {
        taskWith(3);
        for (String statement : DeliveryClaims.LANE_STATEMENTS) {
            // :name -> $1, $2 ... in order of first appearance ("::type" casts left alone)
            java.util.Map<String, Integer> numbers = new java.util.LinkedHashMap<>();
            String sql = java.util.regex.Pattern.compile("(?<![:\\w]):(\\w+)").matcher(statement).replaceAll(m ->
                    "\\$" + numbers.computeIfAbsent(m.group(1), k -> numbers.size() + 1));
            String plan = harness.lanes.jdbc().getJdbcTemplate().execute((java.sql.Connection c) -> {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("PREPARE lane_statement AS " + sql);
                    StringBuilder lines = new StringBuilder();
                    // the connection's plan_cache_mode makes this the generic plan whatever the values
                    try (java.sql.ResultSet rs = s.executeQuery("EXPLAIN EXECUTE lane_statement("
                            + String.join(", ", java.util.Collections.nCopies(numbers.size(), "NULL")) + ")")) {
                        while (rs.next()) {
                            lines.append(rs.getString(1)).append('\n');
                        }
                    }
                    s.execute("DEALLOCATE lane_statement");
                    return lines.toString();
                }
            });
            assertThat(plan).as(plan).doesNotContain("Seq Scan").doesNotContain("deliveries_task_status")
                    .doesNotContain("deliveries_claim").contains("deliveries_pkey");
        }
    }

    @Test
    void aLateOutcomeTurnsAnUnknownDeliverySentAndCountsAsSentInTheCampaign() {
        long service = service(1000, 0);
        long task = taskWith(2);
        DeliveryClaims claims = new DeliveryClaims(harness.jdbc, harness.tx);
        claims.claim(service, task, 10, "late", Instant.now(), harness.providerRegistry);
        List<Long> ids = claims.unattemptedIds("late");
        assertThat(claims.markAttempted(ids, "late")).containsExactlyInAnyOrderElementsOf(ids);
        // the retry gave up on both (outcome unknown); then the stale lane learns that the first was accepted
        assertThat(claims.markInterruptedAsUnknown("late")).isEqualTo(2);
        assertThat(sentInCampaign()).as("an UNKNOWN delivery is not 'sent to in this campaign'").isZero();

        claims.recordSent(List.of(new DeliveryClaims.Sent(ids.get(0), "<m0@x>", "p0")), "late");
        claims.recordSent(List.of(new DeliveryClaims.Sent(ids.get(0), "<m0@x>", "p0")), "late");
        claims.recordSendEvents("late");

        assertThat(f.deliveryStatuses(task)).containsEntry("SENT", 1L).containsEntry("UNKNOWN", 1L);
        assertThat(f.jdbc().queryForList("SELECT id || ' ' || message_id FROM deliveries "
                + "WHERE task_id = ? AND status = 'SENT'", String.class, task))
                .containsExactly(ids.get(0) + " <m0@x>");
        assertThat(sentInCampaign()).isEqualTo(1);
        assertThat(sentThroughBatches(task)).as("open batch, read live").isEqualTo(1);
        org.edm.domain.tracking.EngagementEvents events = new org.edm.domain.tracking.EngagementEvents(harness.jdbc);
        // a provider webhook naming the message finds the delivery: live while its batch is open
        assertThat(events.byProviderMessageId("p0")).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(ids.get(0)));
        assertThat(events.byProviderMessageId("p1")).isEmpty();
        // and through provider_messages once the batch's final count closes it, for a provider with webhooks
        f.jdbc().update("UPDATE sender_services SET provider = 'ALIYUN_DM' WHERE id = ?", service);
        assertThat(claims.counts("late").sent()).isEqualTo(1);
        assertThat(claims.counts("late").sent()).as("closing again is a no-op").isEqualTo(1);
        assertThat(f.jdbc().queryForList("SELECT delivery_id || ' ' || provider_message_id FROM provider_messages",
                String.class)).containsExactly(ids.get(0) + " p0");
        assertThat(sentThroughBatches(task)).as("closed batch, by its count").isEqualTo(1);
        assertThat(events.byProviderMessageId("p0")).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(ids.get(0)));
        assertThat(events.byProviderMessageId("p1")).isEmpty();
    }

    /**
     * The claim reads the task's pending queue from the task's claim position on (PendingQueue, V156), not the task's
     * other rows: on a task whose sent deliveries far outnumber its pending ones, with fresh statistics.
     */
    @Test
    void theClaimFindsPendingDeliveriesFromTheTasksClaimPosition() {
        long task = taskWith(3000);
        f.jdbc().update("UPDATE deliveries SET status = 'SENT', claim_token = 'w/r/1' WHERE task_id = ? "
                + "AND id < (SELECT max(id) - 20 FROM deliveries WHERE task_id = ?)", task, task);
        f.jdbc().execute("ANALYZE deliveries");
        List<String> plan = harness.jdbc.queryForList("EXPLAIN " + DeliveryClaims.CLAIM,
                new org.springframework.jdbc.core.namedparam.MapSqlParameterSource("taskId", task)
                        .addValue("from", f.jdbc().queryForObject("SELECT max(id) - 20 FROM deliveries", Long.class))
                        .addValue("limit", 100).addValue("serviceId", 1L).addValue("claim", "w/r/2"), String.class);
        assertThat(String.join("\n", plan)).as(String.join("\n", plan))
                // an index range from the position (deliveries_task_id or the primary key), not the task's claimed rows
                .containsPattern("Index Cond: \\(.*\\bid >= '?\\d+")
                .doesNotContain("Seq Scan on deliveries");
    }

    @Test
    void whenNothingLeftTheProviderTheDeliveryIsSentByTheRetry() {
        long service = service(1000, 0.01);
        long task = taskWith(6);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry,
                n -> n == 3 ? Fault.NOT_SENT : Fault.NONE);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        DeliveryBatchResult result = deliver(activities, service, task, 100, 10);

        assertThat(result.sent()).isEqualTo(6);
        assertThat(mailsPerRecipient()).hasSize(6).allSatisfy((to, n) -> assertThat(n).isEqualTo(1));
        assertThat(f.deliveryStatuses(task)).containsExactly(Map.entry("SENT", 6L));
    }

    /**
     * What a batch that stops for good (cancelled, or failing its last attempt) does with its claim. The Java test
     * server does not hand the retry policy to the activity, so this drives the release directly.
     */
    @Test
    void releasingAClaimGivesUnsentDeliveriesBackAndRefundsTodaysQuota() {
        long service = service(1000, 0);
        long task = taskWith(4);
        DeliveryClaims claims = new DeliveryClaims(harness.jdbc, harness.tx);
        DeliveryClaims.Claim claim = claims.claim(service, task, 10, "stopping", Instant.now(),
                harness.providerRegistry);
        long first = claims.unattemptedIds("stopping").get(0);
        claims.markAttempted(first, "stopping");

        int released = claims.releaseUnattempted("stopping", service, claim.day());

        assertThat(released).isEqualTo(3);
        assertThat(f.deliveryStatuses(task)).containsEntry("PENDING", 3L).containsEntry("SENDING", 1L);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).as("the attempted one keeps its quota").isEqualTo(1);
        long releasedId = f.jdbc().queryForObject("SELECT min(id) FROM deliveries WHERE status = 'PENDING'",
                Long.class);
        assertThat(claims.markAttempted(releasedId, "stopping")).as("no longer this claim's to send").isFalse();
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE status = 'PENDING' "
                + "AND claim_token IS NULL AND sender_service_id IS NULL", Integer.class)).isEqualTo(3);
    }

    @Test
    void aRefusedRecipientFailsAloneAndTheBatchGoesOn() {
        long service = service(1000, 0);
        long task = taskWith(5);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry,
                n -> n == 2 ? Fault.RECIPIENT_REJECTED : Fault.NONE);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        DeliveryBatchResult result = deliver(activities, service, task, 100, 1);

        assertThat(result.sent()).isEqualTo(4);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(f.jdbc().queryForObject("SELECT error FROM deliveries WHERE status = 'FAILED'", String.class))
                .contains("550 5.1.1");
        assertThat(f.jdbc().queryForMap("SELECT health_status, consecutive_failures FROM sender_services "
                + "WHERE id = ?", service)).containsEntry("health_status", "ACTIVE")
                .containsEntry("consecutive_failures", 0);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM event_log WHERE type = 'SEND_FAIL'", Integer.class))
                .isEqualTo(1);
    }

    /**
     * A template saved before the api limited nesting (or written to the database by hand) that cannot be rendered
     * — here sections nested so deep that rendering overflows the stack — fails only the deliveries that use it,
     * with an error text; the rest of the batch is sent and the activity completes instead of being retried.
     */
    @Test
    void aTemplateThatCannotBeRenderedFailsOnlyItsDeliveriesAndTheBatchIsSent() throws Exception {
        long poison = f.template(owner, "Poison", "{{#email}}".repeat(30_000) + "x" + "{{/email}}".repeat(30_000)
                + "{{unsubscribe_url}}");
        for (long throttleMillis : new long[]{0, 1}) {
            long service = service(1000, 0);
            long task = taskWith(6);
            List<Long> poisoned = f.jdbc().queryForList("SELECT id FROM deliveries WHERE task_id = ? ORDER BY id "
                    + "LIMIT 2", Long.class, task);
            f.jdbc().update("UPDATE deliveries SET template_id = ? WHERE id IN (?, ?)", poison, poisoned.get(0),
                    poisoned.get(1));
            int mailsBefore = smtp.getReceivedMessages().length;
            // the second round's task also reaches the first round's contacts
            long others = f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ?", Long.class,
                    task) - 2;

            // one attempt only: a retry would be the wedge this test guards against
            DeliveryBatchResult result = temporal.deliver(harness.deliveryActivities(),
                    new DeliveryBatch(service, task, 100, throttleMillis), 1);

            assertThat(others).isGreaterThanOrEqualTo(4);
            assertThat(result.sent()).as("throttle %d ms", throttleMillis).isEqualTo(others);
            assertThat(result.failed()).isEqualTo(2);
            assertThat(smtp.getReceivedMessages().length - mailsBefore).isEqualTo(others);
            assertThat(f.deliveryStatuses(task)).containsEntry("SENT", others).containsEntry("FAILED", 2L);
            List<Map<String, Object>> failed = f.jdbc().queryForList("SELECT id, error, attempted_at FROM deliveries "
                    + "WHERE task_id = ? AND status = 'FAILED' ORDER BY id", task);
            assertThat(failed).extracting(row -> ((Number) row.get("id")).longValue()).isEqualTo(poisoned);
            assertThat(failed).allSatisfy(row -> {
                assertThat((String) row.get("error")).contains("template " + poison).contains("cannot be rendered")
                        .doesNotContain("@");
                assertThat(row.get("attempted_at")).isNull();
            });
            assertThat(f.jdbc().queryForObject("SELECT health_status FROM sender_services WHERE id = ?", String.class,
                    service)).isEqualTo("ACTIVE");
        }
    }

    @Test
    void aServiceThatKeepsFailingIsFrozenAndReportedUnusable() {
        long service = service(1000, 0);
        f.jdbc().update("UPDATE sender_services SET failure_threshold = 3 WHERE id = ?", service);
        long task = taskWith(4);
        RecordingProviders providers = new RecordingProviders(harness.providerRegistry, n -> Fault.REJECTED);
        DeliveryActivitiesImpl activities = harness.deliveryActivities(Clock.systemUTC(), p -> providers);

        DeliveryBatchResult result = deliver(activities, service, task, 100, 1);

        assertThat(result.failed()).isEqualTo(4);
        assertThat(result.serviceUnusable()).isTrue();
        assertThat(activities.loadServicePace(service).usable()).isFalse();
        Map<String, Object> row = f.jdbc().queryForMap(
                "SELECT health_status, frozen_reason, frozen_at, last_error FROM sender_services WHERE id = ?", service);
        assertThat(row).containsEntry("health_status", "FROZEN");
        assertThat((String) row.get("frozen_reason")).contains("554 5.7.1");
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM alerts WHERE kind = 'SENDER_SERVICE_FROZEN'",
                Integer.class)).isEqualTo(1);
    }

    @Test
    void aServiceWhoseSettingsCannotWorkIsFrozenBeforeItClaimsAnything() {
        long service = service(1000, 0);
        f.jdbc().update("UPDATE sender_services SET settings = '{\"port\": 25}' WHERE id = ?", service);
        long task = taskWith(3);

        DeliveryBatchResult result = deliver(harness.deliveryActivities(), service, task, 100, 0);

        assertThat(result.serviceUnusable()).isTrue();
        assertThat(result.claimed()).isZero();
        assertThat(f.deliveryStatuses(task)).containsExactly(Map.entry("PENDING", 3L));
        assertThat(f.jdbc().queryForObject("SELECT frozen_reason FROM sender_services WHERE id = ?", String.class,
                service)).contains("no host");
    }

    @Test
    void anUnusableServiceClaimsNothing() {
        long service = service(1000, 0);
        long task = taskWith(3);
        f.jdbc().update("UPDATE sender_services SET enabled = false WHERE id = ?", service);

        DeliveryBatchResult result = deliver(harness.deliveryActivities(), service, task, 100, 0);
        DeliveryBatchResult missing = deliver(harness.deliveryActivities(), 999_999, task, 100, 0);

        assertThat(result.serviceUnusable()).isTrue();
        assertThat(result.claimed()).isZero();
        assertThat(missing.serviceUnusable()).isTrue();
        assertThat(f.deliveryStatuses(task)).containsExactly(Map.entry("PENDING", 3L));
    }

    @Test
    void anAddressSuppressedAfterTheTaskStartedIsSkippedNotSent() {
        long service = service(1000, 0);
        long task = taskWith(3);
        String email = f.jdbc().queryForObject("SELECT min(email) FROM contacts", String.class);
        f.suppress(owner, email);

        DeliveryBatchResult result = deliver(harness.deliveryActivities(), service, task, 100, 0);

        assertThat(result.sent()).isEqualTo(2);
        assertThat(result.claimed()).isEqualTo(2);
        assertThat(mailsPerRecipient()).doesNotContainKey(email);
        assertThat(f.deliveryStatuses(task)).containsEntry("SKIPPED", 1L);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).as("a skipped delivery costs no quota").isEqualTo(2);
    }

    /**
     * INV-7 while a batch runs: a batch claims all ten deliveries (one lane, groups of five), and while the provider
     * takes the first group's first mail, two recipients are suppressed: one of the first group, already marked
     * attempted, and one of the second group, claimed but not yet marked. The first gets exactly its one mail; the
     * second gets none, its delivery ends SKIPPED with the reason of its path, counted, its quota unit back.
     */
    @ParameterizedTest(name = "suppressed by {0}")
    @ValueSource(strings = {"erase", "unsubscribe", "hard bounce"})
    void aRecipientSuppressedWhileItsDeliveryIsClaimedGetsNoMailOnceItsGroupIsNotYetMarked(String path) {
        useHarness(new ActivitiesHarness(new DeliveryProperties(1000, 1, java.time.Duration.ofMinutes(30), 5, 8,
                false)));
        long service = service(1000, 0);
        long before = f.quotaBalance(owner);
        long task = taskWith(10);
        List<Map<String, Object>> rows = f.jdbc().queryForList("""
                SELECT d.id, d.contact_id, d.token, c.email FROM deliveries d JOIN contacts c ON c.id = d.contact_id
                 WHERE d.task_id = ? ORDER BY d.id""", task);
        Map<String, Object> marked = rows.get(1);
        Map<String, Object> claimedOnly = rows.get(7);
        org.edm.domain.tracking.EngagementEvents events = new org.edm.domain.tracking.EngagementEvents(harness.jdbc);
        org.edm.domain.contact.AddressSuppression suppression =
                new org.edm.domain.contact.AddressSuppression(harness.jdbc);
        java.util.function.Consumer<Map<String, Object>> suppress = row -> {
            switch (path) {
                case "erase" -> suppression.suppress(owner, (Long) row.get("contact_id"),
                        org.edm.domain.contact.AddressSuppression.ERASED);
                case "unsubscribe" -> events.record(events.byToken((String) row.get("token")).orElseThrow(),
                        new org.edm.domain.tracking.EngagementEvents.Event(
                                org.edm.domain.tracking.EventType.UNSUBSCRIBE, false, Instant.now(), null, null, null,
                                null, false));
                default -> events.record(events.byToken((String) row.get("token")).orElseThrow(),
                        new org.edm.domain.tracking.EngagementEvents.Event(
                                org.edm.domain.tracking.EventType.BOUNCE, false, Instant.now(), null, null, null,
                                null, true));
            }
        };
        long first = (Long) rows.get(0).get("id");
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        MailProviders suppressingMidBatch = providersWrapping(real -> mail -> {
            if (mail.deliveryId() == first && done.compareAndSet(false, true)) {
                suppress.accept(marked);
                suppress.accept(claimedOnly);
            }
            return real.send(mail);
        });

        DeliveryBatchResult result = deliver(harness.deliveryActivities(Clock.systemUTC(),
                providers -> suppressingMidBatch), service, task, 100, 0);

        assertThat(done).isTrue();
        Map<String, Long> mails = mailsPerRecipient();
        assertThat(mails.get((String) marked.get("email"))).as("marked before the suppression: its one mail")
                .isEqualTo(1L);
        assertThat(mails).as("claimed, not yet marked: no mail").doesNotContainKey((String) claimedOnly.get("email"));
        assertThat(mails.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9);
        assertThat(f.jdbc().queryForMap("SELECT status, skip_reason, attempted_at FROM deliveries WHERE id = ?",
                claimedOnly.get("id")))
                .containsEntry("status", "SKIPPED")
                .containsEntry("skip_reason", path.equals("erase") ? "ERASED" : "SUPPRESSED")
                .containsEntry("attempted_at", null);
        assertThat(f.deliveryStatuses(task)).as("every delivery ended, counts add up (INV-4)")
                .containsOnly(Map.entry("SENT", 9L), Map.entry("SKIPPED", 1L));
        assertThat(result.claimed()).isEqualTo(9);
        assertThat(result.sent()).isEqualTo(9);
        assertThat(sentThroughBatches(task)).isEqualTo(9);
        // quota (INV-1): ten charged at the start, the stopped one's unit back, and the ledger adds up to the balance
        assertThat(f.quotaBalance(owner)).isEqualTo(before - 9);
        assertThat(f.jdbc().queryForObject("SELECT sum(delta) FROM user_quota_ledger WHERE user_id = ?", Long.class,
                owner)).isEqualTo(f.quotaBalance(owner));
        assertThat(f.jdbc().queryForList("SELECT delta FROM user_quota_ledger WHERE user_id = ? AND reason = 'SKIP_REFUND'",
                Long.class, owner)).containsExactly(1L);
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).as("the service's quota stays spent: it can only send less").isEqualTo(10);
    }

    @Test
    void theClaimSkipsSuppressedAndDeletedContactsAndSendsTheRest() {
        long service = service(1000, 0);
        long task = taskWith(4);
        List<String> emails = f.jdbc().queryForList("SELECT email FROM contacts ORDER BY id", String.class);
        f.suppress(owner, emails.get(0));
        f.jdbc().update("DELETE FROM contacts WHERE email = ?", emails.get(1));

        DeliveryBatchResult result = deliver(harness.deliveryActivities(), service, task, 100, 0);

        assertThat(result.claimed()).isEqualTo(2);
        assertThat(result.sent()).isEqualTo(2);
        assertThat(mailsPerRecipient()).containsOnlyKeys(emails.get(2), emails.get(3));
        assertThat(f.jdbc().queryForList("SELECT skip_reason FROM deliveries WHERE task_id = ? AND status = 'SKIPPED'",
                String.class, task)).containsExactlyInAnyOrder("SUPPRESSED", "CONTACT_DELETED");
        assertThat(f.jdbc().queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).as("skipped deliveries cost no quota").isEqualTo(2);
    }

    @Test
    void aPausedTaskOffersNothingToClaim() {
        long service = service(1000, 0);
        long task = taskWith(3);
        f.jdbc().update("UPDATE tasks SET status = 'PAUSED' WHERE id = ?", task);

        DeliveryBatchResult result = deliver(harness.deliveryActivities(), service, task, 100, 0);

        assertThat(result.claimed()).isZero();
        assertThat(result.taskDrained()).isTrue();
        assertThat(f.deliveryStatuses(task)).containsExactly(Map.entry("PENDING", 3L));
    }

    @Test
    void paceFollowsTheThrottle() {
        DeliveryActivitiesImpl activities = harness.deliveryActivities();
        Function<Double, ServicePace> pace = throttle -> activities.loadServicePace(service(10, throttle));

        // unthrottled: batches grow from the first size to the largest, each sized to last about the target
        assertThat(pace.apply(0.0)).extracting(ServicePace::usable, ServicePace::throttleMillis, ServicePace::batchSize,
                        ServicePace::firstBatchSize, ServicePace::batchTargetMillis)
                .containsExactly(true, 0L, 4000, 250, 1000L);
        // throttled: paced batches of one size, short enough to last about 30 s (no growing: firstBatchSize 0)
        assertThat(pace.apply(0.25)).extracting(ServicePace::throttleMillis, ServicePace::batchSize,
                        ServicePace::firstBatchSize)
                .containsExactly(250L, 100, 0);
        assertThat(pace.apply(1.0)).extracting(ServicePace::throttleMillis, ServicePace::batchSize)
                .containsExactly(1000L, 30);
        assertThat(pace.apply(90.0)).extracting(ServicePace::throttleMillis, ServicePace::batchSize)
                .containsExactly(90_000L, 1);
        assertThat(activities.loadServicePace(424242).usable()).isFalse();
    }

    /** The harness's providers, each service's provider wrapped by {@code wrap} (to inject what a test needs). */
    private MailProviders providersWrapping(java.util.function.UnaryOperator<MailProvider> wrap) {
        return new MailProviders() {
            @Override
            public boolean supports(String providerType) {
                return harness.providerRegistry.supports(providerType);
            }

            @Override
            public MailProvider forService(SenderServiceAccount account) {
                return wrap.apply(harness.providerRegistry.forService(account));
            }
        };
    }
}
