package org.edm.activities.mailbox;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.tracking.EngagementEvents;
import org.edm.workflows.mailbox.MailboxPollResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real DSN and reply messages (Postfix and Exim reports, a mail-client reply, an out-of-office, a reply that lost
 * the thread) in a GreenMail IMAP mailbox, read by the activity against a real PostgreSQL.
 */
class MailboxActivitiesTests {

    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort());

    static ActivitiesHarness harness;
    static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        harness = new ActivitiesHarness();
        jdbc = harness.fixtures.jdbc();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private record Sent(long campaignId, long contactId, long deliveryId, String token, String email) {
    }

    private Sent sent(long campaign, long task, long template, long service, String email) {
        long contact = harness.fixtures.contact(1, email, "reader");
        String token = UUID.randomUUID().toString().replace("-", "");
        long delivery = jdbc.queryForObject("""
                INSERT INTO deliveries (task_id, contact_id, template_id, status, token, sender_service_id, sent_at,
                                        message_id, claim_token)
                VALUES (?, ?, ?, 'SENT', ?, ?, ?, '<' || ? || '@mail.example>', 'test/claim')
                RETURNING id""", Long.class,
                task, contact, template, token, service, Timestamp.from(Instant.now().minusSeconds(3600)), token);
        return new Sent(campaign, contact, delivery, token, email);
    }

    private void deliver(GreenMailUser user, String fixture, Sent about) throws Exception {
        deliver(user, fixture, about.token(), about.email(), "news@mail.example");
    }

    /**
     * A fixture message naming Message-ID {@code <token@mail.example>} (or {@code <token>} when it has a domain), a
     * recipient, and addressed to {@code to}.
     */
    private void deliver(GreenMailUser user, String fixture, String token, String recipient, String to)
            throws Exception {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/mailbox/" + fixture)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("TOKEN@mail.example", token.contains("@") ? token : token + "@mail.example")
                    .replace("TOKEN", token).replace("RECIPIENT", recipient).replace("RETURN_PATH", to);
        }
        user.deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    private long events(Sent s, String type, boolean machine) {
        return jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND type = ? AND machine = ?",
                Long.class, s.deliveryId(), type, machine);
    }

    private Map<String, Object> labels(Sent s) {
        return jdbc.queryForList("SELECT * FROM campaign_contact_labels WHERE campaign_id = ? AND contact_id = ?",
                s.campaignId(), s.contactId()).stream().findFirst().orElse(Map.of());
    }

    private long suppressions(Sent s) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM suppressions WHERE owner_id = 1 AND reason = 'BOUNCED'
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, s.email());
    }

    @Test
    void bouncesAndRepliesInTheMailboxBecomeEventsLabelsAndSuppressionsOnce() throws Exception {
        GreenMailUser user = mail.setUser("news@mail.example", "news", "imap-password");
        long service = harness.fixtures.smtpService("mail.example", 2525, 100, 0, "news", "imap-password");
        jdbc.update("UPDATE sender_services SET settings = settings || jsonb_build_object('imap', "
                + "jsonb_build_object('host', '127.0.0.1', 'port', ?)) WHERE id = ?",
                mail.getImap().getPort(), service);
        long template = harness.fixtures.template(1, "Spring sale", "<p>hi</p>");
        long campaign = harness.fixtures.campaign(1, "mailbox");
        long task = harness.fixtures.task(campaign, 1, "{}", harness.fixtures.templateSet(1, template));
        Sent unknownUser = sent(campaign, task, template, service, "gone-" + System.nanoTime() + "@inbox.example");
        Sent delayed = sent(campaign, task, template, service, "slow-" + System.nanoTime() + "@inbox.example");
        Sent replier = sent(campaign, task, template, service, "bob-" + System.nanoTime() + "@inbox.example");
        deliver(user, "postfix-hard-bounce.eml", unknownUser);
        // names no Message-ID: it is ours because it came back to the delivery's signed return path
        deliver(user, "exim-soft-bounce-no-message-id.eml", delayed.token(), delayed.email(),
                ActivitiesHarness.RETURN_PATHS.forToken(delayed.token()));
        deliver(user, "out-of-office.eml", delayed);
        deliver(user, "reply.eml", replier);
        deliver(user, "reply-without-references.eml", replier);
        MailboxActivitiesImpl activities = new MailboxActivitiesImpl(harness.jdbc, harness.secrets,
                new EngagementEvents(harness.jdbc), ActivitiesHarness.RETURN_PATHS, Clock.systemUTC());

        assertThat(activities.listServicesWithMailbox()).contains(service);
        MailboxPollResult result = activities.pollMailbox(service);

        assertThat(result).isEqualTo(new MailboxPollResult(service, 5, 3, 2, 0));
        // Postfix: permanent failure of our Message-ID -> bounced label and suppression
        assertThat(events(unknownUser, "BOUNCE", false)).isEqualTo(1);
        assertThat(labels(unknownUser).get("bounced_at")).isNotNull();
        assertThat(suppressions(unknownUser)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT details->>'status' FROM event_log WHERE delivery_id = ? AND type = "
                + "'BOUNCE'", String.class, unknownUser.deliveryId())).isEqualTo("5.1.1");
        // Exim: only delayed, matched by its return path; an out-of-office is an automatic reply
        assertThat(events(delayed, "BOUNCE", false)).isEqualTo(1);
        assertThat(suppressions(delayed)).isZero();
        assertThat(events(delayed, "REPLY", true)).isEqualTo(1);
        assertThat(labels(delayed).get("bounced_at")).isNull();
        assertThat(labels(delayed).get("replied_at")).isNull();
        // a real reply by In-Reply-To, and one without references by the sender's address
        assertThat(events(replier, "REPLY", false)).isEqualTo(2);
        assertThat(labels(replier).get("replied_at")).isNotNull();

        assertThat(activities.pollMailbox(service).read()).as("everything read is marked seen").isZero();
        // read again (flags reset by another client): nothing is recorded twice
        markAllUnseen(service);
        assertThat(activities.pollMailbox(service).read()).isEqualTo(5);
        assertThat(events(replier, "REPLY", false)).isEqualTo(2);
        assertThat(events(unknownUser, "BOUNCE", false)).isEqualTo(1);
    }

    private long delivery(long task, long template, long service, long contact, Instant sentAt) {
        return delivery(task, template, service, contact, sentAt, "SENT");
    }

    private long delivery(long task, long template, long service, long contact, Instant sentAt, String status) {
        String token = UUID.randomUUID().toString().replace("-", "");
        return jdbc.queryForObject("""
                INSERT INTO deliveries (task_id, contact_id, template_id, status, token, sender_service_id, sent_at,
                                        message_id, claim_token)
                VALUES (?, ?, ?, ?, ?, ?, ?, '<' || ? || '@mail.example>', 'test/claim')
                RETURNING id""", Long.class,
                task, contact, template, status, token, service, Timestamp.from(sentAt), token);
    }

    @Test
    void aReplyThatLostTheThreadGoesToTheMostRecentTaskOfTheServiceItWasSentTo() throws Exception {
        GreenMailUser user = mail.setUser("news@mail.example", "news", "imap-password");
        long service = harness.fixtures.smtpService("mail.example", 2525, 100, 0, "news", "imap-password");
        jdbc.update("UPDATE sender_services SET settings = settings || jsonb_build_object('imap', "
                + "jsonb_build_object('host', '127.0.0.1', 'port', ?)) WHERE id = ?",
                mail.getImap().getPort(), service);
        long otherService = harness.fixtures.smtpService("other.example", 2525, 100, 0, "other", "secret");
        long template = harness.fixtures.template(1, "Weekly", "<p>hi</p>");
        long campaign = harness.fixtures.campaign(1, "two tasks");
        long firstTask = harness.fixtures.task(campaign, 1, "{}", harness.fixtures.templateSet(1, template));
        long secondTask = harness.fixtures.task(campaign, 1, "{}", harness.fixtures.templateSet(1, template));
        long otherCampaign = harness.fixtures.campaign(1, "another sender");
        long otherTask = harness.fixtures.task(otherCampaign, 1, "{}", harness.fixtures.templateSet(1, template));
        String email = "carol-" + System.nanoTime() + "@inbox.example";
        long contact = harness.fixtures.contact(1, email, "reader");
        long older = delivery(firstTask, template, service, contact, Instant.now().minusSeconds(2 * 86400));
        long latest = delivery(secondTask, template, service, contact, Instant.now().minusSeconds(3600));
        // the newest mail to this address came through another service: a reply to this mailbox is not about it
        long elsewhere = delivery(otherTask, template, otherService, contact, Instant.now().minusSeconds(60));
        // a newer delivery through this service that was not sent (an UNKNOWN outcome keeps its attempt's time)
        long thirdTask = harness.fixtures.task(campaign, 1, "{}", harness.fixtures.templateSet(1, template));
        long unsent = delivery(thirdTask, template, service, contact, Instant.now().minusSeconds(30), "UNKNOWN");
        Sent replier = new Sent(campaign, contact, latest, "unused", email);
        deliver(user, "reply-without-references.eml", replier);
        MailboxActivitiesImpl activities = new MailboxActivitiesImpl(harness.jdbc, harness.secrets,
                new EngagementEvents(harness.jdbc), ActivitiesHarness.RETURN_PATHS, Clock.systemUTC());

        assertThat(activities.pollMailbox(service).replies()).isEqualTo(1);

        assertThat(events(replier, "REPLY", false)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id IN (?, ?, ?) "
                + "AND type = 'REPLY'", Long.class, older, elsewhere, unsent)).isZero();
        assertThat(labels(replier).get("replied_at")).isNotNull();
    }

    /**
     * Anyone can mail a delivery status notification to the mailbox. One that names none of our messages — a
     * Message-ID we never sent, our token under someone else's domain, a return path whose signature does not
     * verify — is ignored: it must not bounce, let alone suppress, the address it names.
     */
    @Test
    void forgedBouncesNamingNoneOfOurMessagesSuppressNobody() throws Exception {
        GreenMailUser user = mail.setUser("forged@mail.example", "forged", "imap-password");
        long service = harness.fixtures.smtpService("mail.example", 2525, 100, 0, "forged", "imap-password");
        jdbc.update("UPDATE sender_services SET settings = settings || jsonb_build_object('imap', "
                + "jsonb_build_object('host', '127.0.0.1', 'port', ?)) WHERE id = ?",
                mail.getImap().getPort(), service);
        long template = harness.fixtures.template(1, "Spring sale", "<p>hi</p>");
        long campaign = harness.fixtures.campaign(1, "forged bounces");
        long task = harness.fixtures.task(campaign, 1, "{}", harness.fixtures.templateSet(1, template));
        Sent victim = sent(campaign, task, template, service, "victim-" + System.nanoTime() + "@inbox.example");
        String stranger = UUID.randomUUID().toString().replace("-", "");
        deliver(user, "postfix-hard-bounce.eml", stranger, victim.email(), "forged@mail.example");
        deliver(user, "postfix-hard-bounce.eml", victim.token() + "@attacker.example",
                victim.email(), "forged@mail.example");
        deliver(user, "exim-soft-bounce-no-message-id.eml", victim.token(), victim.email(),
                "bounce+" + victim.token() + "-0123456789abcdef0123@mail.example");
        MailboxActivitiesImpl activities = new MailboxActivitiesImpl(harness.jdbc, harness.secrets,
                new EngagementEvents(harness.jdbc), ActivitiesHarness.RETURN_PATHS, Clock.systemUTC());

        MailboxPollResult result = activities.pollMailbox(service);

        assertThat(result).isEqualTo(new MailboxPollResult(service, 3, 0, 0, 3));
        assertThat(suppressions(victim)).isZero();
        assertThat(events(victim, "BOUNCE", false)).isZero();
        assertThat(labels(victim).get("bounced_at")).isNull();
    }

    /**
     * A genuine bounce that quotes nothing of the original message still counts when it came back to the return
     * path the delivery was sent with, also one signed with a key since rotated out; a hard one suppresses.
     */
    @Test
    void aBounceToTheDeliverysSignedReturnPathIsAcceptedAndAHardOneSuppresses() throws Exception {
        GreenMailUser user = mail.setUser("verp@mail.example", "verp", "imap-password");
        long service = harness.fixtures.smtpService("mail.example", 2525, 100, 0, "verp", "imap-password");
        jdbc.update("UPDATE sender_services SET settings = settings || jsonb_build_object('imap', "
                + "jsonb_build_object('host', '127.0.0.1', 'port', ?)) WHERE id = ?",
                mail.getImap().getPort(), service);
        long template = harness.fixtures.template(1, "Spring sale", "<p>hi</p>");
        long campaign = harness.fixtures.campaign(1, "verp bounces");
        long task = harness.fixtures.task(campaign, 1, "{}", harness.fixtures.templateSet(1, template));
        Sent current = sent(campaign, task, template, service, "gone-" + System.nanoTime() + "@inbox.example");
        Sent older = sent(campaign, task, template, service, "old-" + System.nanoTime() + "@inbox.example");
        byte[] oldKey = "the-bounce-key-before-rotation".getBytes(StandardCharsets.UTF_8);
        byte[] newKey = "the-bounce-key-after-rotation!".getBytes(StandardCharsets.UTF_8);
        ReturnPaths beforeRotation = new ReturnPaths("bounces.mail.example", oldKey, List.of());
        ReturnPaths afterRotation = new ReturnPaths("bounces.mail.example", newKey, List.of(oldKey));
        deliver(user, "verp-hard-bounce.eml", "dsn1", current.email(),
                afterRotation.forToken(current.token()).toUpperCase(java.util.Locale.ROOT));
        deliver(user, "verp-hard-bounce.eml", "dsn2", older.email(), beforeRotation.forToken(older.token()));
        MailboxActivitiesImpl activities = new MailboxActivitiesImpl(harness.jdbc, harness.secrets,
                new EngagementEvents(harness.jdbc), afterRotation, Clock.systemUTC());

        assertThat(activities.pollMailbox(service)).isEqualTo(new MailboxPollResult(service, 2, 0, 2, 0));

        for (Sent bounced : List.of(current, older)) {
            assertThat(events(bounced, "BOUNCE", false)).isEqualTo(1);
            assertThat(suppressions(bounced)).isEqualTo(1);
            assertThat(labels(bounced).get("bounced_at")).isNotNull();
        }
    }

    @Test
    void aMailboxThatRefusesTheLoginFailsTheActivityForTheNextRound() {
        long service = harness.fixtures.smtpService("refused.example", 2525, 100, 0, "nobody", "wrong");
        jdbc.update("UPDATE sender_services SET settings = settings || jsonb_build_object('imap', "
                + "jsonb_build_object('host', '127.0.0.1', 'port', ?)) WHERE id = ?",
                mail.getImap().getPort(), service);
        MailboxActivitiesImpl activities = new MailboxActivitiesImpl(harness.jdbc, harness.secrets,
                new EngagementEvents(harness.jdbc), ActivitiesHarness.RETURN_PATHS, Clock.systemUTC());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> activities.pollMailbox(service))
                .hasMessageContaining("unreadable");
    }

    private void markAllUnseen(long service) throws Exception {
        Session session = Session.getInstance(new Properties());
        try (Store store = session.getStore("imap")) {
            store.connect("127.0.0.1", mail.getImap().getPort(), "news", "imap-password");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.setFlags(1, inbox.getMessageCount(), new Flags(Flags.Flag.SEEN), false);
            inbox.close(false);
        }
    }
}
