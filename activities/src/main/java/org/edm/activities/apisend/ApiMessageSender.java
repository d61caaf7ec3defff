package org.edm.activities.apisend;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.activities.delivery.MailProvider;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MessageRenderer;
import org.edm.activities.delivery.OutgoingMail;
import org.edm.activities.delivery.Redact;
import org.edm.workflows.apisend.ApiSendRound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One send round of API messages, without Temporal in it (the activity names the claim and heartbeats), so the
 * at-most-once rules can be tested against a real database and SMTP server.
 *
 * <p>Per message: the mailbox must still be NORMAL; the open pixel and signed click links go in (the same
 * {@link MessageRenderer#withTracking} as campaign mail); then {@link ApiMessages#attempt} commits "attempted" and
 * takes the quota unit before the SMTP call, and the outcome is recorded after it. Transactional mail gets no
 * unsubscribe footer: it is not marketing (INV-7 is about campaigns).
 */
@Component
public class ApiMessageSender {

    private static final Logger log = LoggerFactory.getLogger(ApiMessageSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiMessages messages;
    private final MailboxProviders providers;
    private final MessageRenderer renderer;
    private final ApiSendProperties properties;
    private final ExecutorService pool;

    public ApiMessageSender(ApiMessages messages, MailboxProviders providers, MessageRenderer renderer,
                            ApiSendProperties properties) {
        this.messages = messages;
        this.providers = providers;
        this.renderer = renderer;
        this.properties = properties;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(properties.concurrency(), r -> {
            Thread t = new Thread(r, "edm-api-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends what {@code claim} holds, claiming up to {@code max} messages first unless an earlier attempt of the
     * same claim already did; then, while messages are due and {@link ApiSendProperties#keepClaimingFor()} has not
     * passed, claims the next {@code max} under the same claim and sends them too. {@code progress} runs after each
     * message (the activity's heartbeat).
     *
     * <p>Why keep claiming inside one activity: under a steady stream of sends every round otherwise ends with a
     * Temporal round trip (complete the activity, a workflow task, schedule and poll the next), which costs more CPU
     * per round than the claim query does and leaves the send threads idle meanwhile. One claim token for all of an
     * execution's rounds keeps the at-most-once rule as it was: a retry settles whatever any of its rounds left
     * attempted (UNKNOWN) and sends what they left unattempted.
     */
    public ApiSendRound sendRound(String claim, int max, Runnable progress) {
        int unknown = messages.markInterruptedAsUnknown(claim);
        if (unknown > 0) {
            log.warn("API send {}: {} message(s) interrupted mid-send are UNKNOWN, not resent", claim, unknown);
        }
        int stale = messages.settleStaleClaims(properties.staleClaimAfter());
        if (stale > 0) {
            log.warn("API send: {} message(s) of abandoned claims settled", stale);
        }
        if (!messages.hasClaim(claim)) {
            messages.claim(claim, max);
        }
        long keepClaimingUntil = System.nanoTime() + properties.keepClaimingFor().toNanos();
        Tally tally = new Tally();
        int claimed = 0;
        while (true) {
            List<ApiMessages.Claimed> work = messages.unattempted(claim);
            if (work.isEmpty()) {
                break;
            }
            claimed += work.size();
            sendAll(work, claim, tally, progress);
            if (System.nanoTime() - keepClaimingUntil >= 0 || messages.claim(claim, max) == 0) {
                break;
            }
        }
        return new ApiSendRound(claimed, tally.sent.get(), tally.failed.get(), unknown + tally.unknown.get(),
                tally.requeued.get(), messages.moreDue());
    }

    /**
     * Sends a claim's messages in in-flight groups of {@link ApiSendProperties#inFlightGroup()} on the send threads:
     * per group one commit marks every message attempted and takes the units (one ledger row per owner), the
     * messages go out one after the other on the thread's pooled SMTP connection, and one statement records the
     * accepted ones. The database sees a few statements per group instead of three commits per message, and the
     * owner's balance row is locked once per group instead of once per message by every send thread in turn. A
     * worker killed mid-group leaves at most that group attempted without an outcome (UNKNOWN, never resent).
     */
    private void sendAll(List<ApiMessages.Claimed> work, String claim, Tally tally, Runnable progress) {
        // the mailbox is looked up once per mailbox and round, not per message (a round takes about a second)
        Map<List<Long>, Optional<ApiMessages.Mailbox>> mailboxes = new ConcurrentHashMap<>();
        List<Future<?>> running = new ArrayList<>();
        int size = properties.inFlightGroup();
        for (int from = 0; from < work.size(); from += size) {
            List<ApiMessages.Claimed> group = work.subList(from, Math.min(work.size(), from + size));
            running.add(pool.submit(() -> sendGroup(group, mailboxes, claim, tally, progress)));
        }
        // every send in flight finishes (and records its outcome) before the round reports a failure
        Throwable failure = null;
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            // the activity is retried: what was attempted becomes UNKNOWN, what was not is sent then
            if (failure instanceof Error error) {
                throw error;
            }
            throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
    }

    /** A message ready to go: its mailbox's provider and the rendered mail. */
    private record Ready(ApiMessages.Claimed message, MailProvider provider, OutgoingMail mail) {
    }

    private void sendGroup(List<ApiMessages.Claimed> group, Map<List<Long>, Optional<ApiMessages.Mailbox>> mailboxes,
                           String claim, Tally tally, Runnable progress) {
        List<Ready> ready = new ArrayList<>(group.size());
        for (ApiMessages.Claimed message : group) {
            // usable is judged for the message's owner, so the owner is part of the key
            Optional<ApiMessages.Mailbox> mailbox = mailboxes.computeIfAbsent(
                    List.of(message.mailboxId(), message.ownerId()), key -> messages.mailbox(key.get(0), key.get(1)));
            Ready r = prepare(message, mailbox, claim, tally);
            if (r != null) {
                ready.add(r);
            } else {
                progress.run();
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        Optional<Set<Long>> attempted = messages.attemptGroup(ready.stream().map(Ready::message).toList(), claim);
        if (attempted.isEmpty()) {
            // an owner's balance does not cover the whole group: one at a time, so each unit left is used
            for (Ready r : ready) {
                sendOne(r, claim, tally);
                progress.run();
            }
            return;
        }
        Set<Long> mine = attempted.get();
        List<ApiMessages.Sent> accepted = new ArrayList<>(ready.size());
        // from here on, ready[notHandedOver..] were certainly never given to the provider
        int notHandedOver = ready.size();
        int i = 0;
        try {
            for (; i < ready.size(); i++) {
                Ready r = ready.get(i);
                if (!mine.contains(r.message().id())) {
                    continue;
                }
                try {
                    accepted.add(new ApiMessages.Sent(r.message(), r.mail().messageId(), r.provider().send(r.mail())));
                    tally.sent.incrementAndGet();
                } catch (MailSendException e) {
                    settleRefused(r.message(), claim, e, tally);
                }
                progress.run();
            }
        } catch (RuntimeException | Error e) {
            // whatever broke during ready[i]'s exchange is no proof that it did not leave: it stays attempted
            notHandedOver = i + 1;
            throw e;
        } finally {
            messages.recordSent(accepted, claim);
            if (notHandedOver < ready.size()) {
                List<ApiMessages.Claimed> back = new ArrayList<>();
                for (Ready r : ready.subList(notHandedOver, ready.size())) {
                    if (mine.contains(r.message().id())) {
                        back.add(r.message());
                    }
                }
                messages.unattempt(back, claim);
            }
        }
    }

    private static final class Tally {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger unknown = new AtomicInteger();
        final AtomicInteger requeued = new AtomicInteger();
    }

    /** Null when the message cannot go out and was settled FAILED (uncharged): mailbox gone, or not renderable. */
    private Ready prepare(ApiMessages.Claimed message, Optional<ApiMessages.Mailbox> mailbox, String claim,
                          Tally tally) {
        if (mailbox.isEmpty() || !mailbox.get().usable()) {
            messages.recordFailed(message, claim, "the sender mailbox " + message.from() + " is no longer usable");
            tally.failed.incrementAndGet();
            return null;
        }
        try {
            return new Ready(message, providers.forMailbox(mailbox.get()), render(message));
        } catch (RuntimeException e) {
            // our own messages (SecretBox, DKIM key) name no secret; addresses are redacted all the same
            messages.recordFailed(message, claim, "cannot prepare the message: " + Redact.addresses(
                    String.valueOf(e.getMessage())));
            tally.failed.incrementAndGet();
            return null;
        }
    }

    /** Attempt (one unit), send and record one message on its own: the path when quota is short for a group. */
    private void sendOne(Ready r, String claim, Tally tally) {
        switch (messages.attempt(r.message(), claim)) {
            case NOT_MINE -> {
                return;
            }
            case NO_QUOTA -> {
                messages.recordFailed(r.message(), claim, "no quota left when it was due to be sent");
                tally.failed.incrementAndGet();
                return;
            }
            case GO -> {
            }
        }
        try {
            String providerMessageId = r.provider().send(r.mail());
            messages.recordSent(r.message(), claim, r.mail().messageId(), providerMessageId);
            tally.sent.incrementAndGet();
        } catch (MailSendException e) {
            settleRefused(r.message(), claim, e, tally);
        }
    }

    private void settleRefused(ApiMessages.Claimed message, String claim, MailSendException e, Tally tally) {
        String error = Redact.addresses(e.getMessage());
        switch (e.kind()) {
            case REJECTED -> {
                messages.recordFailed(message, claim, error);
                tally.failed.incrementAndGet();
            }
            case NOT_SENT -> {
                messages.requeueNotSent(message, claim, error, properties.maxAttempts());
                tally.requeued.incrementAndGet();
            }
            case UNCERTAIN -> {
                // it may have left: never again (INV-3)
                messages.recordUnknown(message, claim, error);
                tally.unknown.incrementAndGet();
            }
        }
    }

    OutgoingMail render(ApiMessages.Claimed message) {
        String domain = message.from().substring(message.from().lastIndexOf('@') + 1);
        Map<String, String> headers = new LinkedHashMap<>(headers(message.headersJson()));
        return new OutgoingMail(message.id(), message.from(), message.to(), message.subject(),
                renderer.withTracking(message.html(), message.token()), "<" + message.token() + "@" + domain + ">",
                headers, message.text(), null);
    }

    private static Map<String, String> headers(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("stored headers are not a JSON object of strings");
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
