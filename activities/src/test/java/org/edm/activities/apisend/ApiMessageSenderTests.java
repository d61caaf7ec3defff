package org.edm.activities.apisend;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.edm.activities.delivery.MailProvider;
import org.edm.activities.delivery.MessageRenderer;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.quota.QuotaLedger;
import org.edm.workflows.apisend.ApiSendRound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The send side of POST /api/v1/send on a real PostgreSQL and a real SMTP server (GreenMail) that knows one login:
 * the mailbox's DirectMail SMTP credentials.
 */
class ApiMessageSenderTests {

    static final String LOGIN = "service@mail.example.test";
    static final String PASSWORD = "dm-smtp-password-1";

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(LOGIN, LOGIN, PASSWORD));

    private ActivitiesHarness h;
    private long owner;
    private long mailbox;
    private final AtomicInteger counter = new AtomicInteger();

    @BeforeEach
    void setUp() {
        h = new ActivitiesHarness();
        owner = h.fixtures.user("dev-" + System.nanoTime(), 10);
        long domain = h.fixtures.jdbc().queryForObject("""
                INSERT INTO sending_domains (owner_id, name, status, verification_token, dkim_selector,
                                             dkim_public_key, dkim_private_ciphertext)
                VALUES (?, 'mail.example.test', 'VERIFIED', 'token', 'edm1', 'MIIB...', ?) RETURNING id
                """, Long.class, owner, h.secrets.seal(org.edm.domain.testing.DkimTestKeys.PRIVATE_KEY_BASE64));
        mailbox = h.fixtures.jdbc().queryForObject("""
                INSERT INTO sender_mailboxes (owner_id, domain_id, local_part, address, status, smtp_username,
                                              secret_ciphertext, secret_key_version)
                VALUES (?, ?, 'service', 'service@mail.example.test', 'NORMAL', ?, ?, 1) RETURNING id
                """, Long.class, owner, domain, LOGIN, h.secrets.seal(PASSWORD));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private ApiSendProperties properties(int concurrency) {
        return new ApiSendProperties("127.0.0.1", smtp.getSmtp().getPort(), false, concurrency, 3,
                Duration.ofMinutes(30));
    }

    /** As deployed: one activity goes on claiming while messages are due. */
    private ApiSendProperties keepClaiming(int concurrency) {
        return new ApiSendProperties("127.0.0.1", smtp.getSmtp().getPort(), false, concurrency, 3,
                Duration.ofMinutes(30), Duration.ofMinutes(1));
    }

    private ApiMessageSender keepClaimingSender(MailboxProviders providers, int concurrency) {
        return new ApiMessageSender(new ApiMessages(h.jdbc, h.tx, new QuotaLedger(h.jdbc)), providers,
                new MessageRenderer(h.jdbc, ActivitiesHarness.TRACKING), keepClaiming(concurrency));
    }

    @Test
    void oneActivityKeepsClaimingWhileMessagesAreDueAndSendsEachMessageOnce() {
        List<Queued> queued = List.of(queue("a1@example.com"), queue("a2@example.com"), queue("a3@example.com"),
                queue("a4@example.com"), queue("a5@example.com"));

        // two per claim: without going on it would take three activities (three Temporal round trips)
        ApiSendRound round = keepClaimingSender(new MailboxProviders(h.secrets, keepClaiming(2)), 2)
                .sendRound("claim-8", 2, () -> { });

        assertThat(round.claimed()).isEqualTo(5);
        assertThat(round.sent()).isEqualTo(5);
        assertThat(round.moreDue()).isFalse();
        assertThat(smtp.getReceivedMessages()).as("one mail per message").hasSize(5);
        assertThat(queued).allSatisfy(m -> assertThat(status(m)).isEqualTo("SENT"));
        assertThat(netCharge()).as("charged once each").isEqualTo(-5);
        assertThat(h.fixtures.quotaBalance(owner)).isEqualTo(5);
    }

    /** Units taken minus units given back for API sends: what the owner paid. */
    private long netCharge() {
        return h.fixtures.jdbc().queryForObject("""
                SELECT coalesce(sum(delta), 0) FROM user_quota_ledger
                 WHERE user_id = ? AND reason IN ('API_SEND', 'API_SEND_REFUND')""", Long.class, owner);
    }

    @Test
    void whetherAClaimTookMessagesIsAnsweredFromAnIndexNotAScanOfEveryMessage() {
        queue("i1@example.com");
        ApiMessages messages = new ApiMessages(h.jdbc, h.tx, new QuotaLedger(h.jdbc));
        messages.claim("claim-13", 50);
        h.fixtures.jdbc().update("UPDATE api_messages SET status = 'SENT' WHERE claim_token = 'claim-13'");
        assertThat(messages.hasClaim("claim-13")).as("a settled claim still counts").isTrue();
        assertThat(messages.hasClaim("claim-14")).isFalse();

        // the plan PostgreSQL would choose on a large table: with sequential scans priced out, only an index that
        // answers the question avoids one (the SENDING-only index of V90 could not)
        String plan = h.tx.execute(status -> {
            h.jdbc.getJdbcTemplate().execute("SET LOCAL enable_seqscan = off");
            return String.join("\n", h.jdbc.getJdbcTemplate().queryForList(
                    "EXPLAIN SELECT EXISTS (SELECT 1 FROM api_messages WHERE claim_token = 'claim-13')",
                    String.class));
        });
        assertThat(plan).contains("api_messages_claim").doesNotContain("Seq Scan");
    }

    /**
     * The per-group statements must not read every message the activity claimed so far: an activity claims for 20 s
     * under one token (thousands of messages at 500/s), and PostgreSQL's statistics are older than the token, which
     * it then estimates at one row. With a plain {@code claim_token = :claim}, that made the claim index the cheapest
     * plan, and each group of ten read the whole claim (the API send benchmark: ~1,070 buffers per recorded group).
     */
    @Test
    void statementsOnGivenMessagesFindThemByPrimaryKeyEvenWhenStatisticsPredateTheClaim() {
        // earlier claims, settled and analysed; then a long-running claim with its last group still SENDING
        insertClaimed("old-1", 300, "SENT");
        insertClaimed("old-2", 300, "SENT");
        insertClaimed("old-3", 300, "SENT");
        h.fixtures.jdbc().execute("ANALYZE api_messages");
        insertClaimed("claim-plan", 600, "SENT");
        List<Long> group = insertClaimed("claim-plan", 10, "SENDING");

        Long[] ids = group.toArray(Long[]::new);
        String[] texts = group.stream().map(id -> "<" + id + "@x>").toArray(String[]::new);
        Map<String, String> statements = Map.of(
                "attempt", ApiMessages.ATTEMPT, "attemptGroup", ApiMessages.ATTEMPT_GROUP,
                "unattempt", ApiMessages.UNATTEMPT, "recordSent", ApiMessages.RECORD_SENT,
                "settle", ApiMessages.SETTLE, "requeueNotSent", ApiMessages.REQUEUE_NOT_SENT);
        org.springframework.jdbc.core.namedparam.MapSqlParameterSource values =
                new org.springframework.jdbc.core.namedparam.MapSqlParameterSource()
                        .addValue("id", group.get(0)).addValue("ids", ids).addValue("claim", "claim-plan")
                        .addValue("messageIds", texts).addValue("providerIds", texts)
                        .addValue("status", "SENT").addValue("error", null).addValue("messageId", "<m@x>")
                        .addValue("providerMessageId", "p").addValue("eventType", "SEND_SUCCESS")
                        .addValue("details", "{\"outcome\":\"sent\"}").addValue("max", 5);
        statements.forEach((name, sql) -> {
            String plan = h.tx.execute(status -> {
                // as the worker's pool plans them: for the values of each execution
                h.jdbc.getJdbcTemplate().execute("SET LOCAL plan_cache_mode = force_custom_plan");
                return String.join("\n", h.jdbc.queryForList("EXPLAIN " + sql, values, String.class));
            });
            assertThat(plan).as(name + ":\n" + plan).contains("api_messages_pkey")
                    .doesNotContain("api_messages_claim");
        });
    }

    /** {@code n} messages of this test's owner already claimed by {@code claim}, in {@code status}; their ids. */
    private List<Long> insertClaimed(String claim, int n, String status) {
        return h.fixtures.jdbc().queryForList("""
                INSERT INTO api_messages (public_id, request_id, owner_id, mailbox_id, from_address, to_address,
                                          subject, html_body, token, status, claim_token, claimed_at, attempts,
                                          attempted_at, charged)
                SELECT 'msg_' || ? || '_' || g, 'req_1', ?, ?, 'service@mail.example.test',
                       'u' || g || '@example.com',
                       'Your code', '<p>Code</p>', 'tok_' || ? || '_' || g, ?, ?, now(), 1,
                       CASE WHEN ? = 'SENT' THEN now() END, ? = 'SENT'
                  FROM generate_series(1, ?) g
                RETURNING id
                """, Long.class, claim + "_" + status, owner, mailbox, claim + "_" + status, status, claim, status,
                status, n);
    }

    @Test
    void aGroupIsAttemptedAndChargedInOneCommitAndItsMessagesRecordedTogether() {
        List<Queued> queued = List.of(queue("g1@example.com"), queue("g2@example.com"), queue("g3@example.com"),
                queue("g4@example.com"), queue("g5@example.com"));
        ApiSendProperties groupsOfThree = new ApiSendProperties("127.0.0.1", smtp.getSmtp().getPort(), false, 1, 3,
                Duration.ofMinutes(30), Duration.ZERO, 3);

        ApiSendRound round = new ApiMessageSender(new ApiMessages(h.jdbc, h.tx, new QuotaLedger(h.jdbc)),
                new MailboxProviders(h.secrets, groupsOfThree),
                new MessageRenderer(h.jdbc, ActivitiesHarness.TRACKING), groupsOfThree)
                .sendRound("claim-10", 50, () -> { });

        assertThat(round.sent()).isEqualTo(5);
        assertThat(smtp.getReceivedMessages()).hasSize(5);
        assertThat(ledger(QuotaLedger.API_SEND)).as("one ledger row per group of three")
                .containsExactly(Map.of("delta", -3L, "reference", queued.get(0).publicId()),
                        Map.of("delta", -2L, "reference", queued.get(3).publicId()));
        assertThat(h.fixtures.quotaBalance(owner)).isEqualTo(5);
        assertThat(queued).allSatisfy(m -> {
            assertThat(status(m)).isEqualTo("SENT");
            assertThat(h.fixtures.jdbc().queryForList("SELECT type FROM event_log WHERE message_id = ?",
                    String.class, m.id())).containsExactly("SEND_SUCCESS");
        });
    }

    @Test
    void aWorkerKilledMidGroupLeavesAtMostThatGroupUnknownAndNeverResendsIt() {
        List<Queued> queued = List.of(queue("k1@example.com"), queue("k2@example.com"), queue("k3@example.com"),
                queue("k4@example.com"));
        ApiSendProperties groupsOfTwo = new ApiSendProperties("127.0.0.1", smtp.getSmtp().getPort(), false, 1, 3,
                Duration.ofMinutes(30), Duration.ZERO, 2);
        // a real kill: the first group commits "attempted", then the process is gone before anything else runs
        ApiMessages messages = new ApiMessages(h.jdbc, h.tx, new QuotaLedger(h.jdbc));
        messages.claim("claim-11", 50);
        List<ApiMessages.Claimed> claimed = messages.unattempted("claim-11");
        assertThat(messages.attemptGroup(claimed.subList(0, 2), "claim-11")).isPresent();

        // Temporal retries the activity on a healthy worker
        ApiSendRound retry = new ApiMessageSender(messages, new MailboxProviders(h.secrets, groupsOfTwo),
                new MessageRenderer(h.jdbc, ActivitiesHarness.TRACKING), groupsOfTwo)
                .sendRound("claim-11", 50, () -> { });

        assertThat(retry.unknown()).as("the in-flight group, no more").isEqualTo(2);
        assertThat(smtp.getReceivedMessages()).as("the rest is sent, the group never again").hasSize(2);
        assertThat(queued.stream().map(this::status).toList())
                .containsExactly("UNKNOWN", "UNKNOWN", "SENT", "SENT");
        assertThat(netCharge()).as("what may have left is charged").isEqualTo(-4);
    }

    @Test
    void aGroupTheBalanceCannotCoverSendsWhatTheUnitsLeftCoverOneByOne() {
        h.fixtures.jdbc().update("""
                WITH changed AS (UPDATE users SET quota_balance = 2 WHERE id = ? RETURNING id)
                INSERT INTO user_quota_ledger (user_id, delta, reason, balance_after) SELECT id, -8, 'ADMIN_ADJUST', 2 FROM changed
                """, owner);
        List<Queued> queued = List.of(queue("q1@example.com"), queue("q2@example.com"), queue("q3@example.com"));

        ApiSendRound round = sender(1).sendRound("claim-12", 50, () -> { });

        assertThat(round.sent()).isEqualTo(2);
        assertThat(round.failed()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).hasSize(2);
        assertThat(queued.stream().map(this::status).toList()).containsExactly("SENT", "SENT", "FAILED");
        assertThat(h.fixtures.quotaBalance(owner)).isZero();
    }

    @Test
    void aCrashInALaterClaimOfTheSameActivityStillSendsEachMessageAtMostOnce() {
        List<Queued> queued = List.of(queue("b1@example.com"), queue("b2@example.com"), queue("b3@example.com"),
                queue("b4@example.com"));
        MailboxProviders real = new MailboxProviders(h.secrets, keepClaiming(1));
        AtomicInteger calls = new AtomicInteger();
        MailboxProviders dying = new MailboxProviders(h.secrets, keepClaiming(1)) {
            @Override
            public MailProvider forMailbox(ApiMessages.Mailbox mailbox) {
                MailProvider provider = real.forMailbox(mailbox);
                return mail -> {
                    String id = provider.send(mail);
                    // the third mail (first of the second claim) leaves, then the worker "dies"
                    if (calls.incrementAndGet() == 3) {
                        throw new OutOfMemoryError("simulated crash after the SMTP exchange");
                    }
                    return id;
                };
            }
        };
        assertThatThrownBy(() -> keepClaimingSender(dying, 1).sendRound("claim-9", 2, () -> { }))
                .isInstanceOf(OutOfMemoryError.class);

        // Temporal retries the activity: the same claim, a healthy worker
        ApiSendRound retry = keepClaimingSender(new MailboxProviders(h.secrets, keepClaiming(1)), 1)
                .sendRound("claim-9", 2, () -> { });

        assertThat(retry.unknown()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).as("each recipient got exactly one mail").hasSize(4);
        assertThat(queued.stream().map(this::status).toList())
                .containsExactly("SENT", "SENT", "UNKNOWN", "SENT");
    }

    private ApiMessageSender sender(int concurrency) {
        return sender(new MailboxProviders(h.secrets, properties(concurrency)), concurrency);
    }

    private ApiMessageSender sender(MailboxProviders providers, int concurrency) {
        return new ApiMessageSender(new ApiMessages(h.jdbc, h.tx, new QuotaLedger(h.jdbc)), providers,
                new MessageRenderer(h.jdbc, ActivitiesHarness.TRACKING), properties(concurrency));
    }

    /** A message as the api queues it. */
    private Queued queue(String to) {
        int n = counter.incrementAndGet();
        String publicId = "msg_test" + n + "_" + System.nanoTime();
        String token = "mtok" + n + "x" + System.nanoTime();
        long id = h.fixtures.jdbc().queryForObject("""
                INSERT INTO api_messages (public_id, request_id, owner_id, mailbox_id, from_address, to_address,
                                          subject, html_body, text_body, headers, token)
                VALUES (?, 'req_1', ?, ?, 'service@mail.example.test', ?, 'Reset your password',
                        '<p>Hello <a href="https://example.com/reset?t=1">reset</a></p>', 'Hello, reset: ...',
                        '{"X-Entity-Ref-ID":"42"}', ?) RETURNING id
                """, Long.class, publicId, owner, mailbox, to, token);
        return new Queued(id, publicId, token);
    }

    private record Queued(long id, String publicId, String token) {
    }

    private String status(Queued m) {
        return h.fixtures.jdbc().queryForObject("SELECT status FROM api_messages WHERE id = ?", String.class, m.id());
    }

    private List<Map<String, Object>> ledger(String reason) {
        return h.fixtures.jdbc().queryForList(
                "SELECT delta, reference FROM user_quota_ledger WHERE user_id = ? AND reason = ? ORDER BY id",
                owner, reason);
    }

    @Test
    void aQueuedMessageLeavesWithTheMailboxLoginTrackedAndChargedOnce() throws Exception {
        Queued m = queue("alice@example.com");

        ApiSendRound round = sender(4).sendRound("claim-1", 50, () -> { });

        assertThat(round.sent()).isEqualTo(1);
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        String raw = GreenMailUtil.getWholeMessage(received[0]);
        assertThat(raw).contains(ActivitiesHarness.TRACKING.openPixel(m.token()).replace("&", "&amp;"));
        assertThat(raw).contains(ActivitiesHarness.TRACKING.click(m.token(), "https://example.com/reset?t=1")
                .replace("&", "&amp;"));
        assertThat(raw).doesNotContain("href=\"https://example.com/reset");
        assertThat(raw).contains("Hello, reset: ...");
        assertThat(received[0].getHeader("X-Entity-Ref-ID", null)).isEqualTo("42");
        assertThat(received[0].getHeader("Message-ID", null)).isEqualTo("<" + m.token() + "@mail.example.test>");
        assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
        String dkim = received[0].getHeader("DKIM-Signature", null);
        assertThat(dkim).as("signed with the domain's key").isNotNull()
                .contains("d=mail.example.test").contains("s=edm1").contains("a=rsa-sha256").contains("b=");

        assertThat(status(m)).isEqualTo("SENT");
        assertThat(ledger(QuotaLedger.API_SEND)).containsExactly(Map.of("delta", -1L, "reference", m.publicId()));
        assertThat(h.fixtures.quotaBalance(owner)).isEqualTo(9);
        assertThat(h.fixtures.jdbc().queryForList("SELECT type FROM event_log WHERE message_id = ?", String.class,
                m.id())).containsExactly("SEND_SUCCESS");
    }

    @Test
    void aLoginTheServerRefusesSendsNothingChargesNothingAndQueuesTheMessageAgain() {
        h.fixtures.jdbc().update("UPDATE sender_mailboxes SET secret_ciphertext = ? WHERE id = ?",
                h.secrets.seal("wrong-password"), mailbox);
        Queued m = queue("bob@example.com");

        ApiSendRound round = sender(2).sendRound("claim-2", 50, () -> { });

        assertThat(round.requeued()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(status(m)).isEqualTo("QUEUED");
        assertThat(h.fixtures.quotaBalance(owner)).isEqualTo(10);
        assertThat(h.fixtures.jdbc().queryForObject("""
                SELECT sum(delta) FROM user_quota_ledger WHERE user_id = ? AND reason IN ('API_SEND', 'API_SEND_REFUND')
                """, Long.class, owner)).isZero();
        assertThat(h.fixtures.jdbc().queryForObject("SELECT not_before > now() FROM api_messages WHERE id = ?",
                Boolean.class, m.id())).as("backs off before the next try").isTrue();
    }

    @Test
    void aWorkerKilledMidSendLeavesEachMessageSentAtMostOnce() {
        Queued first = queue("carol@example.com");
        Queued second = queue("dave@example.com");
        // the provider hands the first message over and then the worker "dies" before recording the outcome
        MailboxProviders real = new MailboxProviders(h.secrets, properties(1));
        AtomicInteger calls = new AtomicInteger();
        MailboxProviders dying = new MailboxProviders(h.secrets, properties(1)) {
            @Override
            public MailProvider forMailbox(ApiMessages.Mailbox mailbox) {
                MailProvider provider = real.forMailbox(mailbox);
                return mail -> {
                    String id = provider.send(mail);
                    if (calls.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("simulated crash after the SMTP exchange");
                    }
                    return id;
                };
            }
        };
        assertThatThrownBy(() -> sender(dying, 1).sendRound("claim-3", 50, () -> { }))
                .isInstanceOf(OutOfMemoryError.class);
        assertThat(h.fixtures.jdbc().queryForObject(
                "SELECT count(*) FROM api_messages WHERE claim_token = 'claim-3' AND status = 'SENDING' "
                        + "AND attempted_at IS NOT NULL", Integer.class)).isEqualTo(1);

        // Temporal retries the activity: the same claim, a healthy worker
        ApiSendRound retry = sender(1).sendRound("claim-3", 50, () -> { });

        assertThat(retry.unknown()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).as("each recipient got exactly one mail").hasSize(2);
        assertThat(List.of(status(first), status(second))).containsExactlyInAnyOrder("UNKNOWN", "SENT");
        assertThat(netCharge()).as("both were attempted, each is charged once").isEqualTo(-2);
    }

    @Test
    void anAttemptWithoutOutcomeIsUnknownAfterARetryAndNeverResent() {
        Queued m = queue("erin@example.com");
        // as a killed worker leaves it: claimed, attempted and charged, no outcome
        h.fixtures.jdbc().update("""
                UPDATE api_messages SET status = 'SENDING', claim_token = 'claim-4', claimed_at = now(),
                                        attempted_at = now(), charged = TRUE WHERE id = ?""", m.id());

        ApiSendRound retry = sender(2).sendRound("claim-4", 50, () -> { });

        assertThat(retry.unknown()).isEqualTo(1);
        assertThat(retry.claimed()).isZero();
        assertThat(status(m)).isEqualTo("UNKNOWN");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void withoutQuotaAMessageFailsUnsentAndUncharged() {
        h.fixtures.jdbc().update("""
                WITH changed AS (UPDATE users SET quota_balance = 0 WHERE id = ? RETURNING id)
                INSERT INTO user_quota_ledger (user_id, delta, reason, balance_after) SELECT id, -10, 'ADMIN_ADJUST', 0 FROM changed
                """, owner);
        Queued m = queue("frank@example.com");

        ApiSendRound round = sender(2).sendRound("claim-5", 50, () -> { });

        assertThat(round.failed()).isEqualTo(1);
        assertThat(status(m)).isEqualTo("FAILED");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(ledger(QuotaLedger.API_SEND)).isEmpty();
        assertThat(h.fixtures.jdbc().queryForObject("SELECT charged FROM api_messages WHERE id = ?", Boolean.class,
                m.id())).isFalse();
    }

    @Test
    void aBrokenDkimKeyFailsTheMessageUnsentAndUncharged() {
        h.fixtures.jdbc().update("UPDATE sending_domains SET dkim_private_ciphertext = ? WHERE owner_id = ?",
                h.secrets.seal("not a key"), owner);
        Queued m = queue("heidi@example.com");

        sender(2).sendRound("claim-7", 50, () -> { });

        assertThat(status(m)).isEqualTo("FAILED");
        assertThat(h.fixtures.jdbc().queryForObject("SELECT error FROM api_messages WHERE id = ?", String.class,
                m.id())).doesNotContain("not a key");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(ledger(QuotaLedger.API_SEND)).isEmpty();
    }

    @Test
    void aMailboxThatIsNoLongerNormalFailsTheMessageUncharged() {
        h.fixtures.jdbc().update("UPDATE sender_mailboxes SET status = 'DISABLED' WHERE id = ?", mailbox);
        Queued m = queue("grace@example.com");

        sender(2).sendRound("claim-6", 50, () -> { });

        assertThat(status(m)).isEqualTo("FAILED");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(ledger(QuotaLedger.API_SEND)).isEmpty();
    }
}
