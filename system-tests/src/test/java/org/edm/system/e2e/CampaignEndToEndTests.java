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
        // throttle 0.25 s: sends are sequential, so the kill lands between or during single sends
        long campaignId = stack.createCampaign("crash", 40, 0.25);
        stack.post("/v1/campaigns/" + campaignId + "/activate", Map.of());

        awaitMails(12, Duration.ofMinutes(2));
        firstWorker.kill();
        int beforeKill = stack.smtp.getReceivedMessages().length;
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

    private void awaitMails(int atLeast, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (stack.smtp.getReceivedMessages().length < atLeast) {
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
