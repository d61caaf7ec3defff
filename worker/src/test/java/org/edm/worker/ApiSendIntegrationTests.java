package org.edm.worker;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import org.edm.activities.testing.Fixtures;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.tracking.TrackingUrls;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.apisend.ApiSendInput;
import org.edm.workflows.apisend.ApiSendWorkflow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker as deployed (application.yaml's edm-api-send worker, the apiSendActivities bean) sends a queued API
 * message through the mailbox's SMTP login to a local server standing in for DirectMail's SMTP interface.
 */
class ApiSendIntegrationTests extends WorkerTestContext {

    static final String LOGIN = "service@api.example.test";
    static final String PASSWORD = "dm-smtp-secret";

    // started before the Spring context (per class), so its port can be the configured DirectMail SMTP port
    @RegisterExtension
    static final GreenMailExtension directMailSmtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(LOGIN, LOGIN, PASSWORD))
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void directMail(DynamicPropertyRegistry registry) {
        registry.add("edm.api-send.smtp-host", () -> "127.0.0.1");
        registry.add("edm.api-send.smtp-port", () -> directMailSmtp.getSmtp().getPort());
        registry.add("edm.api-send.ssl", () -> false);
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    SecretBox secrets;

    @Autowired
    WorkflowClient client;

    @Autowired
    TrackingUrls tracking;

    @AfterEach
    void stopDispatcher() {
        try {
            client.newUntypedWorkflowStub(ApiSendWorkflow.WORKFLOW_ID).terminate("test over");
        } catch (RuntimeException notRunning) {
            // nothing to stop
        }
    }

    @Test
    void aQueuedMessageIsSentOnceThroughTheMailboxLoginWithTrackingAndOneQuotaUnit() throws Exception {
        Fixtures f = new Fixtures(jdbc, secrets);
        long owner = f.user("dev-" + System.nanoTime(), 5);
        long domain = jdbc.queryForObject("""
                INSERT INTO sending_domains (owner_id, name, status, verification_token, dkim_selector,
                                             dkim_public_key, dkim_private_ciphertext)
                VALUES (?, 'api.example.test', 'VERIFIED', 't', 'edm1', 'pk', ?) RETURNING id
                """, Long.class, owner, secrets.seal(org.edm.domain.testing.DkimTestKeys.PRIVATE_KEY_BASE64));
        long mailbox = jdbc.queryForObject("""
                INSERT INTO sender_mailboxes (owner_id, domain_id, local_part, address, status, smtp_username,
                                              secret_ciphertext, secret_key_version)
                VALUES (?, ?, 'service', ?, 'NORMAL', ?, ?, 1) RETURNING id
                """, Long.class, owner, domain, LOGIN, LOGIN, secrets.seal(PASSWORD));
        jdbc.update("""
                INSERT INTO api_messages (public_id, request_id, owner_id, mailbox_id, from_address, to_address,
                                          subject, html_body, token)
                VALUES ('msg_it1', 'req_it1', ?, ?, ?, 'alice@example.com', 'Welcome',
                        '<p>Hi <a href="https://example.com/start">start</a></p>', 'mtokenintegration1')
                """, owner, mailbox, LOGIN);

        // what the api's signal does: start the dispatcher if needed and tell it messages are queued
        ApiSendWorkflow dispatcher = client.newWorkflowStub(ApiSendWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.API_SEND).setWorkflowId(ApiSendWorkflow.WORKFLOW_ID).build());
        BatchRequest request = client.newSignalWithStartRequest();
        request.add(dispatcher::run, new ApiSendInput(50, 5));
        request.add(dispatcher::messagesQueued);
        client.signalWithStart(request);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String status;
        while (!(status = jdbc.queryForObject("SELECT status FROM api_messages WHERE public_id = 'msg_it1'",
                String.class)).equals("SENT") && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo("SENT");
        assertThat(directMailSmtp.getReceivedMessages()).hasSize(1);
        String raw = GreenMailUtil.getWholeMessage(directMailSmtp.getReceivedMessages()[0]);
        assertThat(raw).contains(tracking.openPixel("mtokenintegration1"));
        assertThat(directMailSmtp.getReceivedMessages()[0].getHeader("DKIM-Signature", null))
                .contains("d=api.example.test").contains("s=edm1");
        assertThat(raw).contains(tracking.click("mtokenintegration1", "https://example.com/start").replace("&", "&amp;"));
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM user_quota_ledger WHERE user_id = ? AND reason = 'API_SEND' AND delta = -1
                   AND reference = 'msg_it1'""", Long.class, owner)).isEqualTo(1);
        assertThat(f.quotaBalance(owner)).isEqualTo(4);
        assertThat(WorkflowStub.fromTyped(dispatcher).describe().getWorkflowExecutionInfo().getStatus().name())
                .as("the dispatcher keeps running").contains("RUNNING");
    }
}
