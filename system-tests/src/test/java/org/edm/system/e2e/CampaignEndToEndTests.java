package org.edm.system.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.edm.system.harness.AppProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on the real Temporal server with the api and worker as separate JVMs: a campaign created over
 * REST sends through SMTP; and a worker JVM killed mid-batch loses nothing and sends nothing twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignEndToEndTests {

    private EndToEndStack stack;

    @BeforeAll
    void startStack() throws Exception {
        stack = new EndToEndStack("campaign");
    }

    @AfterAll
    void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void workerKilledMidBatchLeavesEveryRecipientWithExactlyOneMail() throws Exception {
        AppProcess firstWorker = stack.startWorker();
        onlyTheNextSenderServiceSends();
        // throttle 0.25 s: sends are sequential, so the kill lands between or during single sends
        long campaignId = stack.createCampaign("crash", 40, 0.25);
        stack.post("/v1/campaigns/" + campaignId + "/activate", Map.of());

        awaitMails("crash", 12, Duration.ofMinutes(2));
        firstWorker.kill();
        int beforeKill = mailsPerRecipient("crash").values().stream().mapToInt(Long::intValue).sum();
        assertThat(beforeKill).as("the kill came mid-task").isLessThan(40);

        AppProcess secondWorker = stack.startWorker();
        try {
            JsonNode campaign = awaitCampaign(campaignId, "COMPLETED", Duration.ofMinutes(3));

            Map<String, Long> mailsPerRecipient = mailsPerRecipient("crash");
            assertThat(mailsPerRecipient.values()).as("INV-3: nobody got the task's mail twice")
                    .allMatch(n -> n == 1);
            Map<String, Long> byStatus = deliveryStatuses(campaignId);
            assertThat(byStatus).as("INV-4: nothing left pending or sending")
                    .doesNotContainKeys("PENDING", "SENDING");
            assertThat(byStatus.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
            assertThat(byStatus.getOrDefault("UNKNOWN", 0L)).as("only the send in flight is unknown")
                    .isLessThanOrEqualTo(1);
            // every SENT delivery arrived; an arrival not recorded SENT is the one in flight at the kill (UNKNOWN)
            long sent = byStatus.getOrDefault("SENT", 0L);
            assertThat((long) mailsPerRecipient.size()).isBetween(sent, sent + byStatus.getOrDefault("UNKNOWN", 0L));
            assertThat(sent).isGreaterThanOrEqualTo(39);
            assertThat(campaign.toString()).contains("FINISHED");
        } finally {
            secondWorker.stop();
        }
    }

    /**
     * Without throttle each send lane marks a group of deliveries attempted at once (edm.delivery.in-flight-group)
     * and records their outcomes at once: a worker killed mid-batch leaves at most group × concurrency deliveries
     * per running batch UNKNOWN, and still nobody gets a second mail.
     */
    @Test
    void workerKilledMidUnthrottledBatchLeavesAtMostTheInFlightGroupsUnknownAndNoSecondMail() throws Exception {
        int contacts = 300;
        int group = 5;
        int concurrency = 4;
        Map<String, String> lanes = Map.of("EDM_DELIVERY_IN_FLIGHT_GROUP", String.valueOf(group),
                "EDM_DELIVERY_CONCURRENCY", String.valueOf(concurrency), "EDM_DELIVERY_BATCH_SIZE", "100");
        AppProcess firstWorker = stack.startWorker(lanes);
        onlyTheNextSenderServiceSends();
        long campaignId = stack.createCampaign("burst", contacts, 0);
        stack.post("/v1/campaigns/" + campaignId + "/activate", Map.of());

        awaitMails("burst", 40, Duration.ofMinutes(2));
        firstWorker.kill();
        long beforeKill = mailsPerRecipient("burst").values().stream().mapToLong(Long::longValue).sum();
        assertThat(beforeKill).as("the kill came mid-task").isLessThan(contacts);

        AppProcess secondWorker = stack.startWorker(lanes);
        try {
            awaitCampaign(campaignId, "COMPLETED", Duration.ofMinutes(3));

            Map<String, Long> mailsPerRecipient = mailsPerRecipient("burst");
            assertThat(mailsPerRecipient.values()).as("INV-3: nobody got the task's mail twice")
                    .allMatch(n -> n == 1);
            Map<String, Long> byStatus = deliveryStatuses(campaignId);
            assertThat(byStatus).as("INV-4: nothing left pending or sending")
                    .doesNotContainKeys("PENDING", "SENDING");
            assertThat(byStatus.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(contacts);
            long unknown = byStatus.getOrDefault("UNKNOWN", 0L);
            assertThat(unknown).as("only the groups in flight (one per lane of the one running batch) are unknown")
                    .isLessThanOrEqualTo((long) group * concurrency);
            long sent = byStatus.getOrDefault("SENT", 0L);
            assertThat((long) mailsPerRecipient.size()).as("every SENT delivery arrived; the other arrivals are "
                    + "UNKNOWN ones").isBetween(sent, sent + unknown);
            assertThat(sent + unknown).isEqualTo(contacts);
            assertThat(usersWhoseLedgerDisagrees()).as("quota balances match their ledgers").isZero();
        } finally {
            secondWorker.stop();
        }
    }

    /**
     * A task is sent by every usable service of its owner: the services the other tests of this class created (one
     * throttled, one not) would otherwise share this test's task and its bound. Disabled in the table, which every
     * claim reads.
     */
    private void onlyTheNextSenderServiceSends() throws Exception {
        try (Connection c = stack.db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE sender_services SET enabled = false");
        }
    }

    /** Users whose quota balance differs from their ledger's last balance (none, when quota and ledger agree). */
    private long usersWhoseLedgerDisagrees() throws Exception {
        try (Connection c = stack.db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM users u WHERE u.quota_balance <> coalesce("
                     + "(SELECT l.balance_after FROM user_quota_ledger l WHERE l.user_id = u.id ORDER BY l.id DESC "
                     + "LIMIT 1), u.quota_balance)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void awaitMails(String tag, int atLeast, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (mailsPerRecipient(tag).values().stream().mapToLong(Long::longValue).sum() < atLeast) {
            assertThat(Instant.now()).as("waiting for %d mails", atLeast).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private JsonNode awaitCampaign(long id, String status, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode campaign = stack.get("/v1/campaigns/" + id);
            if (status.equals(campaign.path("status").asText())) {
                return campaign;
            }
            assertThat(Instant.now()).as("campaign %d to become %s, now %s", id, status, campaign)
                    .isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private Map<String, Long> mailsPerRecipient(String tag) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (MimeMessage m : stack.smtp.getReceivedMessages()) {
            String to = m.getAllRecipients()[0].toString();
            if (to.startsWith(tag)) {
                counts.merge(to, 1L, Long::sum);
            }
        }
        return counts;
    }

    private Map<String, Long> deliveryStatuses(long campaignId) throws Exception {
        try (Connection c = stack.db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT d.status, count(*) FROM deliveries d JOIN tasks t ON t.id = d.task_id"
                     + " WHERE t.campaign_id = " + campaignId + " GROUP BY d.status")) {
            Map<String, Long> result = new HashMap<>();
            while (rs.next()) {
                result.put(rs.getString(1), rs.getLong(2));
            }
            return result;
        }
    }
}
