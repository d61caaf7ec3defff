package org.edm.activities.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import org.edm.workflows.sender.DeliveryActivities;
import org.edm.workflows.sender.DeliveryBatch;
import org.edm.workflows.sender.DeliveryBatchResult;
import org.edm.workflows.sender.ServicePace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The send path. One call claims a batch of one task's deliveries for one service and sends them; the
 * sender-service workflow decides when the next call happens.
 *
 * <p>At most once (INV-3) rests on one ordering: a delivery's {@code attempted_at} is committed before its
 * provider call, and its outcome after. Whatever kills the activity in between (worker crash, timeout, a
 * provider error of unknown effect), the retry finds the delivery attempted without an outcome and records it
 * UNKNOWN instead of sending it again. Deliveries of the claim that were never attempted are sent by the retry.
 */
@Component("deliveryActivities")
public class DeliveryActivitiesImpl implements DeliveryActivities {

    private static final Logger log = LoggerFactory.getLogger(DeliveryActivitiesImpl.class);
    /** Long pauses between throttled sends are cut into slices, so a cancellation is noticed within one. */
    private static final long PACE_SLICE_MILLIS = 1_000;

    private final DeliveryClaims claims;
    private final MailProviders providers;
    private final MessageRenderer renderer;
    private final ServiceHealth health;
    private final DeliveryProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;

    public DeliveryActivitiesImpl(DeliveryClaims claims, MailProviders providers, MessageRenderer renderer,
                                  ServiceHealth health, DeliveryProperties properties, Clock clock,
                                  MeterRegistry meters) {
        this.claims = claims;
        this.providers = providers;
        this.renderer = renderer;
        this.health = health;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public ServicePace loadServicePace(long senderServiceId) {
        Optional<DeliveryClaims.ServiceRow> service = claims.service(senderServiceId);
        if (service.isEmpty()) {
            return new ServicePace(senderServiceId, false, 0, properties.batchSize(), "UNUSABLE");
        }
        DeliveryClaims.ServiceRow row = service.get();
        long throttleMillis = throttleMillis(row.throttleSeconds());
        String condition = !row.enabled() ? "DISABLED" : "FROZEN".equals(row.healthStatus()) ? "FROZEN"
                : row.usable(providers) ? "ACTIVE" : "UNUSABLE";
        // throttled: fixed paced batches (INV-2); unthrottled: batches that grow (ServicePace)
        return new ServicePace(senderServiceId, row.usable(providers), throttleMillis,
                batchSize(throttleMillis, properties.batchSize()), condition,
                throttleMillis > 0 ? 0 : properties.firstBatchSize(), properties.batchTarget().toMillis());
    }

    static long throttleMillis(BigDecimal throttleSeconds) {
        // rounded up: a pause a fraction of a millisecond short would break INV-2
        return throttleSeconds == null ? 0
                : throttleSeconds.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /**
     * A throttled batch lasts about 30 s at most, so pausing a task or changing a service never waits long; the
     * configured batch size caps it too, and fairness between users (F21) is decided batch by batch.
     */
    static int batchSize(long throttleMillis, int configuredBatchSize) {
        return throttleMillis > 0
                ? (int) Math.max(1, Math.min(Math.min(100, configuredBatchSize), 30_000 / throttleMillis))
                : configuredBatchSize;
    }

    @Override
    public DeliveryBatchResult deliverBatch(DeliveryBatch batch) {
        ActivityExecutionContext context = Activity.getExecutionContext();
        ActivityInfo info = context.getInfo();
        String claim = info.getWorkflowId() + "/" + info.getWorkflowRunId() + "/" + info.getActivityId();
        long serviceId = batch.senderServiceId();

        if (info.getAttempt() > 1) {
            // an earlier attempt may have closed the batch (its final count) before it failed to report back
            claims.reopen(claim);
        }
        int interrupted = claims.markInterruptedAsUnknown(claim);
        if (interrupted > 0) {
            log.warn("service {} task {}: {} delivery(ies) interrupted mid-send by attempt {} are UNKNOWN, not resent",
                    serviceId, batch.taskId(), interrupted, info.getAttempt() - 1);
        }

        Optional<DeliveryClaims.ServiceRow> service = claims.service(serviceId);
        if (interrupted > 0) {
            counter("unknown", serviceId, service.map(DeliveryClaims.ServiceRow::provider).orElse("none"))
                    .increment(interrupted);
        }
        if (service.isEmpty() || !service.get().usable(providers)) {
            claims.releaseUnattempted(claim, serviceId, null);
            claims.recordSendEvents(claim);
            return result(claim, batch, true);
        }
        MailProvider provider;
        try {
            provider = providers.forService(service.get().account());
        } catch (RuntimeException misconfigured) {
            // settings or secret unusable: retrying cannot help, an admin has to fix the service
            health.freeze(serviceId, "the service's configuration is invalid: " + misconfigured.getMessage());
            claims.releaseUnattempted(claim, serviceId, null);
            return result(claim, batch, true);
        }
        // Claim once per activity: a retry finishes what its earlier attempts claimed instead of taking more.
        LocalDate claimDay = null;
        // an unthrottled first attempt sends what its claim returned; a retry (or a throttled batch) reads its claim's
        // unattempted deliveries from the database
        DeliveryClaims.Claim taken = null;
        if (!claims.hasClaim(claim)) {
            taken = claims.claim(serviceId, batch.taskId(), batch.maxDeliveries(), claim, clock.instant(), providers);
            if (taken.serviceUnusable()) {
                return result(claim, batch, true);
            }
            claimDay = taken.day();
        }
        boolean fromClaim = taken != null && batch.throttleMillis() == 0;
        List<Long> unsent = fromClaim ? List.of() : claims.unattemptedIds(claim);
        if (fromClaim ? taken.claimed().isEmpty() : unsent.isEmpty()) {
            return result(claim, batch, false);
        }
        ServiceHealth.Tally tally = new ServiceHealth.Tally();
        AtomicBoolean anyFailed = new AtomicBoolean();
        try (Heartbeat heartbeat = new Heartbeat(context)) {
            Send send = new Send(claim, service.get(), provider, tally, heartbeat, anyFailed);
            if (batch.throttleMillis() > 0) {
                // a retry may follow its failed attempt within the backoff, sooner than the throttle allows
                sendPaced(send.read(unsent), send, batch.throttleMillis(), info.getAttempt() > 1);
            } else {
                int groupSize = properties.inFlightGroup();
                int lanes = Math.min(properties.concurrency(),
                        ((fromClaim ? taken.claimed().size() : unsent.size()) + groupSize - 1) / groupSize);
                int pageSize = groupSize * lanes * 4;
                sendConcurrently(fromClaim
                        ? new ClaimedPages(taken, batch.taskId(), groupSize, pageSize, send)
                        : new UnsentPages(unsent, groupSize, pageSize, send), lanes, send);
            }
            if (send.readShort()) {
                // the task was paused or cancelled mid-batch (or deliveries were taken from the claim): what the batch
                // did not read goes back to the task, so a pause stops a large batch within a page or two
                int released = claims.releaseUnattempted(claim, serviceId, claimDay);
                if (released > 0) {
                    log.info("service {} task {}: the task stopped sending mid-batch, {} unsent delivery(ies) released",
                            serviceId, batch.taskId(), released);
                }
            }
        } catch (ActivityCompletionException stopped) {
            // cancelled, or the server no longer waits for this attempt: leave nothing claimed behind
            int released = claims.releaseUnattempted(claim, serviceId, claimDay);
            log.info("service {} task {}: batch stopped ({}), {} unsent delivery(ies) released",
                    serviceId, batch.taskId(), stopped.getClass().getSimpleName(), released);
            throw stopped;
        } catch (MailSendException failure) {
            throw providerFailure(failure, claim, serviceId, claimDay, info);
        } catch (RuntimeException unexpected) {
            settleIfLastAttempt(claim, serviceId, claimDay, info);
            throw unexpected;
        } finally {
            // FAILED deliveries get their send events here (SENT ones get none: the batch's final count, in
            // result(), records what it sent), and their labels whatever an earlier attempt left behind
            bookkeeping(serviceId, tally, claim, anyFailed.get() || info.getAttempt() > 1);
        }
        return result(claim, batch, false);
    }

    private DeliveryBatchResult result(String claim, DeliveryBatch batch, boolean serviceUnusable) {
        DeliveryClaims.ClaimCounts counts = claims.counts(claim);
        Optional<DeliveryClaims.ServiceRow> service = claims.service(batch.senderServiceId());
        boolean unusable = serviceUnusable || service.isEmpty() || !service.get().usable(providers);
        Instant now = clock.instant();
        boolean quotaExhausted = service.isPresent() && service.get().remainingAt(now) == 0;
        long resetsAt = quotaExhausted ? service.get().nextResetAfter(now).toEpochMilli() : 0;
        boolean drained = !unusable && !claims.hasClaimablePending(batch.taskId());
        return new DeliveryBatchResult(counts.claimed(), counts.sent(), counts.failed(), counts.unknown(), drained,
                quotaExhausted, resetsAt, unusable);
    }

    /** Throttled: one at a time, at least {@code throttleMillis} from the end of one send to the start of the next. */
    private void sendPaced(List<DeliveryClaims.Unsent> work, Send send, long throttleMillis, boolean waitFirst) {
        long nextStart = waitFirst ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(throttleMillis) : 0;
        for (DeliveryClaims.Unsent delivery : work) {
            send.heartbeat().check();
            OutgoingMail mail = send.render(delivery);
            if (mail == null) {
                continue;
            }
            awaitTurn(nextStart, send.heartbeat());
            try {
                send.deliver(mail);
            } finally {
                nextStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(throttleMillis);
            }
            send.heartbeat().progressed();
        }
    }

    private static void awaitTurn(long startNanos, Heartbeat heartbeat) {
        long wait;
        while ((wait = startNanos - System.nanoTime()) > 0) {
            heartbeat.check();
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(PACE_SLICE_MILLIS)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailSendException(MailSendException.Kind.NOT_SENT, "interrupted while pacing", e);
            }
        }
    }

    /**
     * No throttle: {@code edm.delivery.concurrency} lanes at a time over the provider's pooled connections, each
     * taking the next group of {@code edm.delivery.in-flight-group} deliveries: its messages go out one after the
     * other between two statements, one that marks the group attempted and one that records what the provider
     * accepted; between two groups of a lane these are one statement (the previous group's outcome with the next
     * group's mark), and the batch's lanes waiting for that statement at the same moment share one
     * ({@link SharedLaneStatement}). So the database sees at most one write per group instead of two per message, and
     * a crash leaves at most one group per lane attempted without an outcome (UNKNOWN, never resent). The first
     * failure that stops the batch lets the groups already in flight finish and keeps the next ones from starting.
     */
    private void sendConcurrently(Groups work, int threads, Send send) {
        int groups = work.groups();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "edm-send-" + send.service().id() + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        AtomicReference<RuntimeException> stop = new AtomicReference<>();
        AtomicInteger nextGroup = new AtomicInteger();
        List<Future<?>> lanes = new ArrayList<>(threads);
        try {
            for (int t = 0; t < threads; t++) {
                lanes.add(pool.submit(() -> {
                    // the lane's last group accepted by the provider, recorded with the next group's attempted mark
                    List<DeliveryClaims.Sent> unrecorded = new ArrayList<>();
                    int g;
                    try {
                        while (stop.get() == null && (g = nextGroup.getAndIncrement()) < groups) {
                            try {
                                send.heartbeat().check();
                                int settled = send.deliverGroup(work.group(g), unrecorded);
                                send.heartbeat().progressed(settled);
                            } catch (RuntimeException e) {
                                stop.compareAndSet(null, e);
                            } catch (StackOverflowError e) {
                                stop.compareAndSet(null, new MailSendException(MailSendException.Kind.UNCERTAIN,
                                        "send failed", e));
                            }
                        }
                    } finally {
                        send.record(unrecorded);
                    }
                }));
            }
            for (Future<?> lane : lanes) {
                lane.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.compareAndSet(null, new MailSendException(MailSendException.Kind.UNCERTAIN, "interrupted", e));
        } catch (ExecutionException e) {
            stop.compareAndSet(null, new MailSendException(MailSendException.Kind.UNCERTAIN, "send failed",
                    e.getCause()));
        } finally {
            pool.shutdown();
            awaitQuietly(pool);
        }
        if (stop.get() != null) {
            throw stop.get();
        }
    }

    /** An unthrottled batch's deliveries as the send lanes take them, a group at a time, in id order. */
    private interface Groups {
        int groups();

        /** How many groups of {@code groupSize} hold {@code deliveries}. */
        static int count(int deliveries, int groupSize) {
            return (deliveries + groupSize - 1) / groupSize;
        }

        /** Group {@code g}'s deliveries that are still this claim's to send, in id order (empty once the task stopped). */
        List<DeliveryClaims.Unsent> group(int g);
    }

    /**
     * A first attempt's deliveries as its claim returned them (compact rows, see {@link DeliveryClaims.ClaimedRow}),
     * handed out a group at a time. Before each page of groups after the
     * first (the claim itself saw the task SENDING) one primary-key read asks whether the task is still SENDING: once
     * it is paused or cancelled the rest offers nothing, so the batch stops within the page in flight and gives the
     * rest of its claim back ({@link DeliveryClaims#releaseUnattempted}), as a page read by id used to. A delivery taken
     * from the claim meanwhile is left out by its group's attempted mark, which is conditional on the claim.
     */
    private static final class ClaimedPages implements Groups {
        private final DeliveryClaims.ClaimedRows rows;
        private final DeliveryClaims.TaskNames names;
        private final long taskId;
        private final int groupSize;
        private final int pageSize;
        private final Send send;
        private int checkedPage;
        private boolean stopped;

        ClaimedPages(DeliveryClaims.Claim claim, long taskId, int groupSize, int pageSize, Send send) {
            this.rows = claim.claimed();
            this.names = claim.names();
            this.taskId = taskId;
            this.groupSize = groupSize;
            this.pageSize = pageSize;
            this.send = send;
            List<Long> templateIds = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Long id = rows.get(i).templateId();
                if (id != null && !templateIds.contains(id)) {
                    templateIds.add(id);
                }
            }
            send.compile(templateIds);
        }

        @Override
        public int groups() {
            return Groups.count(rows.size(), groupSize);
        }

        @Override
        public synchronized List<DeliveryClaims.Unsent> group(int g) {
            int from = g * groupSize;
            int to = Math.min(rows.size(), from + groupSize);
            int page = from / pageSize;
            if (page > checkedPage && !stopped) {
                checkedPage = page;
                if (!send.claims().taskSending(taskId)) {
                    stopped = true;
                    send.stoppedShort();
                }
            }
            if (stopped) {
                return List.of();
            }
            List<DeliveryClaims.Unsent> group = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                group.add(DeliveryClaims.unsent(rows.get(i), names));
            }
            return group;
        }
    }

    /**
     * A retry's unthrottled deliveries, read a page (whole groups) at a time as the send lanes take their groups:
     * the batch holds about two pages in memory instead of every recipient of the batch, which kept large batches'
     * recipients alive across young collections and into the old generation (worker RSS). Groups are handed out in
     * order, so a page is read when its first group is taken; a lane that comes late to a dropped page reads it again
     * (those of its rows already attempted are no longer there, and they were not the lane's).
     */
    private static final class UnsentPages implements Groups {
        private final List<Long> ids;
        private final int groupSize;
        private final int pageSize;
        private final Send send;
        private final Map<Integer, List<DeliveryClaims.Unsent>> read = new HashMap<>();

        UnsentPages(List<Long> ids, int groupSize, int pageSize, Send send) {
            this.ids = ids;
            this.groupSize = groupSize;
            this.pageSize = pageSize;
            this.send = send;
        }

        @Override
        public int groups() {
            return Groups.count(ids.size(), groupSize);
        }

        @Override
        public synchronized List<DeliveryClaims.Unsent> group(int g) {
            int from = g * groupSize;
            int to = Math.min(ids.size(), from + groupSize);
            int page = from / pageSize;
            List<DeliveryClaims.Unsent> rows = read.get(page);
            if (rows == null) {
                rows = send.read(ids.subList(page * pageSize, Math.min(ids.size(), (page + 1) * pageSize)));
                read.put(page, rows);
                read.keySet().removeIf(p -> p < page - 1);
            }
            long first = ids.get(from);
            long last = ids.get(to - 1);
            List<DeliveryClaims.Unsent> group = new ArrayList<>(to - from);
            for (DeliveryClaims.Unsent delivery : rows) {
                long id = delivery.recipient().deliveryId();
                if (id >= first && id <= last) {
                    group.add(delivery);
                }
            }
            return group;
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(2, TimeUnit.MINUTES)) {
                log.warn("sends still running after 2 minutes; their deliveries stay attempted and become UNKNOWN");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The batch stops and Temporal retries it after a backoff. On the last attempt nobody comes back, so the
     * claim is settled here: the delivery in flight is UNKNOWN, the unsent ones go back to the task.
     */
    private ApplicationFailure providerFailure(MailSendException failure, String claim, long serviceId,
                                               LocalDate claimDay, ActivityInfo info) {
        String message = "service " + serviceId + ": " + failure.kind() + ": " + Redact.addresses(failure.getMessage());
        log.warn("send batch {} attempt {} (retry {}) stopped: {}", claim, info.getAttempt(), info.getRetryOptions(),
                message);
        settleIfLastAttempt(claim, serviceId, claimDay, info);
        // no cause attached: SMTP replies quote addresses, and the failure lands in workflow history
        return ApplicationFailure.newFailure(message,
                failure.kind() == MailSendException.Kind.NOT_SENT ? "ProviderUnavailable" : "SendOutcomeUncertain");
    }

    private void settleIfLastAttempt(String claim, long serviceId, LocalDate claimDay, ActivityInfo info) {
        RetryOptions retry = info.getRetryOptions();
        if (retry != null && retry.getMaximumAttempts() > 0 && info.getAttempt() >= retry.getMaximumAttempts()) {
            int unknown = claims.markInterruptedAsUnknown(claim);
            int released = claims.releaseUnattempted(claim, serviceId, claimDay);
            log.warn("send batch {} failed for the last time: {} UNKNOWN, {} released to the task",
                    claim, unknown, released);
        }
    }

    /** Best effort: failing here must not hide why the batch stopped; a retry or the next batch catches up. */
    private void bookkeeping(long serviceId, ServiceHealth.Tally tally, String claim, boolean sendEvents) {
        try {
            health.apply(serviceId, tally);
            if (sendEvents) {
                claims.recordSendEvents(claim);
            }
        } catch (RuntimeException e) {
            log.warn("send batch {}: health and event bookkeeping failed: {}", claim, e.toString());
        }
    }

    // Tags stay bounded: the service id and its provider (a handful each), never an address or a task.
    private Counter counter(String outcome, DeliveryClaims.ServiceRow service) {
        return counter(outcome, service.id(), service.provider());
    }

    private Counter counter(String outcome, long serviceId, String provider) {
        return Counter.builder("edm.deliveries")
                .description("Deliveries settled by the send path, by outcome, provider and sender service")
                .tag("outcome", outcome)
                .tag("provider", provider)
                .tag("sender_service", Long.toString(serviceId))
                .register(meters);
    }

    private Timer sendLatency(DeliveryClaims.ServiceRow service) {
        return Timer.builder("edm.send.latency")
                .description("How long the provider takes to accept one message (SMTP session or HTTP call)")
                .tag("provider", service.provider())
                .tag("sender_service", Long.toString(service.id()))
                .register(meters);
    }

    /** One batch's sending: everything a single delivery needs, shared by the paced and the parallel loop. */
    private final class Send {
        private final String claim;
        private final DeliveryClaims.ServiceRow service;
        private final MailProvider provider;
        /** Whether a {@link #read} found fewer deliveries than it asked for. */
        private volatile boolean readShort;
        /** The compiled templates of the deliveries read so far ({@link #read}). */
        private final Map<Long, MessageRenderer.CompiledTemplate> templates = new ConcurrentHashMap<>();
        private final ServiceHealth.Tally tally;
        private final Heartbeat heartbeat;
        /** Set when a delivery of the batch is recorded FAILED: its send event is written by the bookkeeping. */
        private final AtomicBoolean anyFailed;
        private final Counter sent;
        private final Counter failed;
        private final Timer latency;
        /** The lanes' shared per-group statement, or null for one statement per lane (see DeliveryProperties). */
        private final SharedLaneStatement sharedLanes;

        Send(String claim, DeliveryClaims.ServiceRow service, MailProvider provider, ServiceHealth.Tally tally,
             Heartbeat heartbeat, AtomicBoolean anyFailed) {
            this.claim = claim;
            this.service = service;
            this.provider = provider;
            this.tally = tally;
            this.heartbeat = heartbeat;
            this.anyFailed = anyFailed;
            this.sent = counter("sent", service);
            this.failed = counter("failed", service);
            this.latency = sendLatency(service);
            this.sharedLanes = properties.sharedLaneStatement() ? new SharedLaneStatement(claims, claim) : null;
        }

        DeliveryClaims.ServiceRow service() {
            return service;
        }

        Heartbeat heartbeat() {
            return heartbeat;
        }

        boolean readShort() {
            return readShort;
        }

        DeliveryClaims claims() {
            return claims;
        }

        /** The task stopped sending mid-batch: what the batch did not send goes back to the task. */
        void stoppedShort() {
            readShort = true;
        }

        /** What rendering these deliveries needs (those still unattempted and this claim's), templates compiled. */
        List<DeliveryClaims.Unsent> read(List<Long> deliveryIds) {
            List<DeliveryClaims.Unsent> rows = claims.unattempted(deliveryIds, claim);
            if (rows.size() < deliveryIds.size()) {
                readShort = true;
            }
            compile(rows.stream().map(DeliveryClaims.Unsent::templateId).toList());
            return rows;
        }

        /** Compiles the templates among {@code templateIds} not compiled yet (null ids are deliveries without one). */
        void compile(List<Long> templateIds) {
            List<Long> missing = templateIds.stream().filter(Objects::nonNull).distinct()
                    .filter(id -> !templates.containsKey(id)).toList();
            if (missing.isEmpty()) {
                return;
            }
            renderer.templates(missing).forEach((id, template) -> {
                if (template != null) {
                    templates.put(id, template);
                }
            });
        }

        private void recordFailed(long deliveryId, String claimToken, String error) {
            anyFailed.set(true);
            claims.recordFailed(deliveryId, claimToken, error);
        }

        /** The message, or null when the delivery was settled without sending (no contact, broken template). */
        OutgoingMail render(DeliveryClaims.Unsent delivery) {
            MessageRenderer.Recipient recipient = delivery.recipient();
            if (recipient.email() == null) {
                claims.recordSkipped(recipient.deliveryId(), claim, "CONTACT_DELETED");
                return null;
            }
            try {
                return renderer.render(recipient,
                        delivery.templateId() == null ? null : templates.get(delivery.templateId()),
                        service.domain(), service.zone(), clock.instant());
            } catch (MailSendException e) {
                recordFailed(recipient.deliveryId(), claim, e.getMessage());
                failed.increment();
                return null;
            } catch (RuntimeException | StackOverflowError e) {
                // Nothing was sent, and rendering this delivery again would fail the same way: fail it alone rather
                // than the batch, whose retries would otherwise wedge the service for every user.
                recordFailed(recipient.deliveryId(), claim,
                        "the message cannot be rendered: " + e.getClass().getSimpleName());
                failed.increment();
                return null;
            }
        }

        /** Records a lane's last accepted messages, those no next group's mark took with it. */
        void record(List<DeliveryClaims.Sent> accepted) {
            if (sharedLanes == null) {
                claims.recordSent(accepted, claim);
            } else {
                sharedLanes.recordSentAndMarkAttempted(accepted, List.of());
            }
            sent.increment(accepted.size());
            accepted.clear();
        }

        /**
         * Renders a group, marks it attempted in one statement (which also records {@code unrecorded}, the lane's
         * previous group's accepted messages) and sends its messages one after the other. The accepted ones are left
         * in {@code unrecorded} for the lane's next group or {@link #record}. Throws when the batch must stop (see
         * {@link MailSendException.Kind}), after recording what was accepted and handing back what was certainly never
         * handed to the provider. Returns how many deliveries of the group were settled or handed over.
         */
        int deliverGroup(List<DeliveryClaims.Unsent> group, List<DeliveryClaims.Sent> unrecorded) {
            List<OutgoingMail> mails = new ArrayList<>(group.size());
            for (DeliveryClaims.Unsent delivery : group) {
                OutgoingMail mail = render(delivery);
                if (mail != null) {
                    mails.add(mail);
                }
            }
            if (mails.isEmpty()) {
                return group.size();
            }
            List<Long> ids = new ArrayList<>(mails.size());
            for (OutgoingMail mail : mails) {
                ids.add(mail.deliveryId());
            }
            Set<Long> mine = sharedLanes == null ? claims.recordSentAndMarkAttempted(unrecorded, ids, claim)
                    : sharedLanes.recordSentAndMarkAttempted(unrecorded, ids);
            sent.increment(unrecorded.size());
            unrecorded.clear();
            List<DeliveryClaims.Sent> accepted = new ArrayList<>(mails.size());
            boolean stopped = true;
            // from here on, mails[notHandedOver..] were never given to the provider, except any the lane handed over
            // ahead of their turn (Lane.handedOverAhead)
            int notHandedOver = mails.size();
            int i = 0;
            // the lane may hand later messages of this marked group to the provider ahead of their turn (never
            // one outside it): they are all attempted, and those it handed over are never handed back below
            List<OutgoingMail> marked = new ArrayList<>(mails.size());
            for (OutgoingMail mail : mails) {
                if (mine.contains(mail.deliveryId())) {
                    marked.add(mail);
                }
            }
            int turn = 0;
            MailProvider.Lane lane = provider.lane();
            try (lane) {
                for (; i < mails.size(); i++) {
                    OutgoingMail mail = mails.get(i);
                    if (!mine.contains(mail.deliveryId())) {
                        continue;
                    }
                    turn++;
                    Timer.Sample sample = Timer.start(meters);
                    try {
                        String providerMessageId = lane.send(mail, marked.subList(turn, marked.size()));
                        sample.stop(latency);
                        accepted.add(new DeliveryClaims.Sent(mail.deliveryId(), mail.messageId(), providerMessageId));
                        tally.success();
                    } catch (MailSendException e) {
                        if (!e.recipientFault()) {
                            tally.failure(Redact.addresses(e.getMessage()));
                        }
                        switch (e.kind()) {
                            case REJECTED -> {
                                recordFailed(mail.deliveryId(), claim, e.getMessage());
                                failed.increment();
                            }
                            case NOT_SENT -> {
                                notHandedOver = i;
                                throw e;
                            }
                            // counted once settled: the retry of the batch marks it UNKNOWN (outcome "unknown")
                            case UNCERTAIN -> {
                                notHandedOver = i + 1;
                                throw e;
                            }
                        }
                    } catch (RuntimeException e) {
                        // a provider bug is no proof that nothing left: treat as uncertain
                        tally.failure(Redact.addresses(String.valueOf(e.getMessage())));
                        notHandedOver = i + 1;
                        throw new MailSendException(MailSendException.Kind.UNCERTAIN, e.toString(), e);
                    }
                }
                stopped = false;
            } finally {
                if (stopped) {
                    record(accepted);
                } else {
                    unrecorded.addAll(accepted);
                }
                if (notHandedOver < mails.size()) {
                    List<Long> back = new ArrayList<>();
                    for (OutgoingMail mail : mails.subList(notHandedOver, mails.size())) {
                        if (mine.contains(mail.deliveryId()) && !lane.handedOverAhead(mail)) {
                            back.add(mail.deliveryId());
                        }
                    }
                    claims.unmarkAttempted(back, claim);
                }
            }
            return group.size();
        }

        /** Attempt, send, record; throws when the batch must stop (see {@link MailSendException.Kind}). */
        void deliver(OutgoingMail mail) {
            long id = mail.deliveryId();
            if (!claims.markAttempted(id, claim)) {
                return;
            }
            Timer.Sample sample = Timer.start(meters);
            try {
                String providerMessageId = provider.send(mail);
                sample.stop(latency);
                claims.recordSent(id, claim, mail.messageId(), providerMessageId);
                sent.increment();
                tally.success();
            } catch (MailSendException e) {
                if (!e.recipientFault()) {
                    tally.failure(Redact.addresses(e.getMessage()));
                }
                switch (e.kind()) {
                    case REJECTED -> {
                        recordFailed(id, claim, e.getMessage());
                        failed.increment();
                    }
                    case NOT_SENT -> {
                        claims.unmarkAttempted(id, claim);
                        throw e;
                    }
                    // counted once settled: the retry of the batch marks it UNKNOWN (outcome "unknown")
                    case UNCERTAIN -> throw e;
                }
            } catch (RuntimeException e) {
                // a provider bug is no proof that nothing left: treat as uncertain
                tally.failure(Redact.addresses(String.valueOf(e.getMessage())));
                throw new MailSendException(MailSendException.Kind.UNCERTAIN, e.toString(), e);
            }
        }
    }
}
