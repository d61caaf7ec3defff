package org.edm.activities.task;

import org.edm.domain.webhook.OutgoingEvents;
import org.edm.domain.webhook.WebhookEventType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import org.edm.activities.delivery.DeliveryProperties;
import org.edm.domain.campaign.CampaignStatus;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskCancellation;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.sender.SenderService;
import org.edm.domain.task.PauseReason;
import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.SendBatches;
import org.edm.domain.task.RecipientRule;
import org.edm.domain.task.TaskStatus;
import org.edm.domain.task.TaskTransitions;
import org.edm.domain.task.TaskTransitions.TaskChange;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceState;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.edm.workflows.task.TaskDemand;
import org.edm.workflows.task.DeliveryCounts;
import org.edm.workflows.task.TaskActivities;
import org.edm.workflows.task.TaskAudience;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

@Component("taskActivities")
public class TaskActivitiesImpl implements TaskActivities {

    private static final Logger log = LoggerFactory.getLogger(TaskActivitiesImpl.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom TOKEN_KEYS = new SecureRandom();

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final TaskTransitions transitions;
    private final WorkflowClient workflowClient;
    private final DeliveryProperties deliveryProperties;
    private final TaskQuota quota;
    private final AudienceProperties audienceProperties;
    /** Stateless, on the same JdbcTemplate: its outbox rows join the transaction of the state change. */
    private final OutgoingEvents outgoing;

    private org.edm.activities.delivery.TaskSendabilityCheck sendability;

    @Autowired
    public TaskActivitiesImpl(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, TaskTransitions transitions,
                              WorkflowClient workflowClient, DeliveryProperties deliveryProperties, TaskQuota quota,
                              AudienceProperties audienceProperties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.transitions = transitions;
        this.workflowClient = workflowClient;
        this.deliveryProperties = deliveryProperties;
        this.quota = quota;
        this.audienceProperties = audienceProperties;
        this.outgoing = new OutgoingEvents(jdbc);
    }

    /** Hand-wired (tests): quota with the default low-quota threshold. */
    public TaskActivitiesImpl(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, TaskTransitions transitions,
                              WorkflowClient workflowClient, DeliveryProperties deliveryProperties) {
        this(jdbc, tx, transitions, workflowClient, deliveryProperties, new TaskQuota(jdbc), AudienceProperties.DEFAULTS);
    }

    /**
     * Starts the task (SCHEDULED to SENDING) and resolves its audience into deliveries, once. Three steps, so the
     * insert can use more than one core: (1) one transaction checks the rule and template set and starts the task,
     * after which the api no longer lets anyone change or delete it; (2) the contacts are inserted range by range
     * ({@link AudienceProperties#rangesPerConnection()} ranges per connection, on
     * {@link AudienceProperties#parallelism()} connections), each range in its own transaction, counting what it
     * inserts; (3) one transaction records the sum as {@code audience_size} and turns the quota reservation into the
     * actual audience. {@code audience_size} stays NULL until (3) commits, which is how a retry after a crash in (2)
     * knows to insert the ranges still missing; ranges are whole sub-ranges of contact ids ({@link #SUB_RANGE_IDS}),
     * so a retry finds each sub-range wholly there or not at all, whatever range size either attempt chose.
     *
     * <p>Called from {@link #startSending} (issue 12), the task's demand goes out as soon as the first range with
     * PENDING deliveries has committed, so the first mail does not wait for the whole audience (and the first range
     * is one sub-range, {@link #FIRST_RANGE_IDS}, so it does not wait for a large range either): the services claim
     * the ranges that are in while the others are inserted (a range committed after a claim moved past its ids lowers
     * the claim position, see PendingQueue), spending only the task's reservation until (3) reconciles it with the
     * audience (TaskQuota). The demand goes out again after (3): a service that drained the task before the last
     * range was in pulls again. Called alone (runs recorded before DEMAND_WITH_AUDIENCE), nothing is sent before (3).
     */
    /**
     * The states in which a started task's audience is still inserted: a pause meanwhile does not cut the audience
     * short (its resume sends to all of it; the reservation it held meanwhile is settled once the audience is in,
     * see TaskQuota), a cancel does.
     */
    static final Set<TaskStatus> RESOLVING = EnumSet.of(TaskStatus.SENDING, TaskStatus.PAUSED);

    @Override
    public TaskAudience materializeDeliveries(long taskId) {
        return materializeDeliveries(taskId, false);
    }

    private TaskAudience materializeDeliveries(long taskId, boolean demandEarly) {
        Resolve resolve = tx.execute(status -> {
            TaskRow task = lockTask(taskId);
            // The audience is resolved once, when the task starts. A later run of the task's workflow (a retry of
            // failed deliveries, or a task already paused/cancelled) adds nobody new: contacts added since then were
            // never part of this send.
            boolean resolving = task.notStarted()
                    || (RESOLVING.contains(TaskStatus.of(task.status())) && task.audienceSize() == null);
            if (!resolving) {
                return new Resolve(task, null);
            }
            // checked before the task starts, so a rule or template set that cannot work leaves it as it was
            RecipientRule rule = audienceRule(task);
            if (task.notStarted()) {
                transitions.moveTask(taskId, TaskStatus.NOT_STARTED, TaskStatus.SENDING,
                        "plan time reached: audience materialised", TaskChange.startSending());
            }
            // before any range: a range that commits after the first claim must find the position to lower it
            jdbc.update(PendingQueue.OPEN_POSITION, Map.of("taskId", taskId));
            return new Resolve(task, rule, demandEarly && quota.reservationLeft(taskId) > 0);
        });
        EarlyDemand early = new EarlyDemand(resolve.demandEarly() ? new TaskDemand(taskId, resolve.task().ownerId(),
                resolve.task().createdAt().getTime()) : null);
        Inserted inserted;
        try {
            inserted = resolve.rule() == null ? null : insertDeliveries(resolve.task(), resolve.rule(), early::rangeIn);
        } finally {
            // the attempt ends once its signals are out, whether its ranges all went in or not
            early.awaitSent();
        }
        return tx.execute(status -> {
            TaskRow task = lockTask(taskId);
            boolean resolvedNow = resolve.rule() != null && TaskStatus.SENDING.name().equals(task.status())
                    && task.audienceSize() == null;
            // What the ranges counted is the task's audience when this attempt covered all of it and nothing else
            // came in: still resolving (no pause or cancel in between) and no row outside the ranges (a stale
            // attempt that saw more contacts, an erased contact). Else count; at a million deliveries the count was
            // a second, most of it the first read of the new rows.
            // Claims may have taken some of them already (issue 12): PENDING is what the ranges inserted as such less
            // what the claims took (and did not hand back).
            long claimedEarly = quota.claimedOnReservation(taskId);
            Counted counted = resolvedNow && inserted != null && inserted.counted() != null
                    && !rowsOutside(taskId, inserted)
                    ? new Counted(inserted.counted().total(), inserted.counted().pending() - claimedEarly)
                    : jdbc.queryForObject("""
                            SELECT count(*) AS total, count(*) FILTER (WHERE status = 'PENDING') AS pending
                              FROM deliveries WHERE task_id = :taskId
                            """, Map.of("taskId", taskId), Counted.ROW);
            int total = Math.toIntExact(counted.total());
            int pending = Math.toIntExact(counted.pending());
            jdbc.update("UPDATE tasks SET audience_size = :total, updated_at = now() WHERE id = :taskId",
                    Map.of("total", total, "taskId", taskId));
            // The reservation (planned audience) becomes the actual one; if the extra cannot be charged the task
            // gives its reservation back and waits, paused, for quota (F20). refreshSendability resumes it.
            if (resolvedNow && !quota.reconcileAtStart(taskId, task.ownerId(), pending)) {
                transitions.moveTask(taskId, List.of(TaskStatus.SENDING), TaskStatus.PAUSED,
                        PauseReason.NO_USER_QUOTA.text(), TaskChange.pause(PauseReason.NO_USER_QUOTA));
                log.info("task {}: not enough quota for its {} pending deliveries; paused", taskId, pending);
            } else if (!resolvedNow && task.audienceSize() == null && !task.notStarted()) {
                // paused or cancelled while its audience was being inserted: the reservation it held meanwhile goes
                // back whole (TaskQuota), and a resume charges the PENDING deliveries as after any pause
                quota.releaseTask(taskId, QuotaLedger.PAUSE_REFUND, null,
                        "audience in while the task holds no quota (" + task.status().toLowerCase() + ")");
            }
            log.info("task {} audience materialised: {} deliveries, {} pending, {} claimed before it was in", taskId,
                    total, pending, claimedEarly);
            // to send: the PENDING ones and those already claimed, which the task still waits for
            return new TaskAudience(taskId, task.ownerId(), task.createdAt().getTime(), total,
                    Math.toIntExact(pending + claimedEarly), task.name());
        });
    }

    private record Resolve(TaskRow task, RecipientRule rule, boolean demandEarly) {
        Resolve(TaskRow task, RecipientRule rule) {
            this(task, rule, false);
        }
    }

    /*
     * The three reads below find a task's deliveries by contact id, and each orders by contact id, so the planner
     * takes the (task_id, contact_id) unique index, which holds that order: any other plan needs a sort on top (the
     * order sits in a subquery with LIMIT, which an EXISTS would have dropped, or under an aggregate). Without
     * the order it took deliveries_task_id (task_id, id) whenever its statistics did not know the task yet (a new
     * task's rows, estimated at one: both indexes then cost the same) and filtered every delivery of the task on
     * contact id: at a million contacts the check of a range's sub-ranges took ~0.7 s per range, two thirds of the
     * audience insert's time (issue 12, bin/bench audience; TaskQuotaTests reproduces those statistics).
     */
    /** The sub-ranges ({@code k}) of contact ids {@code lo..hi} that hold a delivery of the task. */
    static final String COMMITTED_SUB_RANGES = """
            SELECT k FROM generate_series(CAST(:lo AS bigint) / :sub, CAST(:hi AS bigint) / :sub) k
             CROSS JOIN LATERAL (SELECT contact_id FROM deliveries
                                  WHERE task_id = :taskId AND contact_id BETWEEN k * :sub AND k * :sub + :sub - 1
                                  ORDER BY contact_id LIMIT 1) first
            """;
    /** The task's deliveries for contact ids {@code lo..hi}, and those inserted PENDING. */
    static final String COMMITTED_ROWS = """
            SELECT count(*) AS total, count(*) FILTER (WHERE claim_token IS DISTINCT FROM :noClaim) AS pending
              FROM (SELECT claim_token FROM deliveries
                     WHERE task_id = :taskId AND contact_id BETWEEN :lo AND :hi ORDER BY contact_id) d
            """;
    /** Whether the task has a delivery for a contact id below lo, above hi or none (erased). */
    static final String ROWS_OUTSIDE = """
            SELECT EXISTS (SELECT 1 FROM (SELECT contact_id FROM deliveries WHERE task_id = :taskId
                                           ORDER BY contact_id LIMIT 1) f
                            WHERE f.contact_id < :lo)
                OR EXISTS (SELECT 1 FROM (SELECT contact_id FROM deliveries WHERE task_id = :taskId
                                           ORDER BY contact_id DESC LIMIT 1) l
                            WHERE l.contact_id IS NULL OR l.contact_id > :hi)
            """;

    /**
     * The demand published once, after the first range with PENDING deliveries, on the signal threads so the insert
     * goes on meanwhile. Its failure only delays the first mail: the demand goes out again once the audience is in.
     */
    private final class EarlyDemand {
        private final TaskDemand demand;
        private final AtomicBoolean published = new AtomicBoolean();
        private volatile CompletableFuture<Integer> sent;

        EarlyDemand(TaskDemand demand) {
            this.demand = demand;
        }

        void rangeIn(Counted counted) {
            if (demand != null && counted.pending() > 0 && published.compareAndSet(false, true)) {
                sent = CompletableFuture.supplyAsync(() -> publishDemand(demand), DEMAND_SIGNALS);
            }
        }

        void awaitSent() {
            CompletableFuture<Integer> signals = sent;
            if (signals == null) {
                return;
            }
            try {
                signals.join();
            } catch (CompletionException | CancellationException e) {
                log.warn("task {}: early demand not published ({}); it goes out once the audience is in",
                        demand.taskId(), e.getCause() == null ? e.toString() : e.getCause().toString());
            }
        }
    }

    /**
     * Deliveries, and the PENDING ones among them: as inserted when a range counts them (claims may have taken some
     * since), PENDING now when the whole task is counted.
     */
    private record Counted(long total, long pending) {
        static final RowMapper<Counted> ROW = (rs, n) -> new Counted(rs.getLong("total"), rs.getLong("pending"));

        Counted plus(Counted other) {
            return new Counted(total + other.total, pending + other.pending);
        }
    }

    /**
     * What this attempt's ranges of contact ids {@code lo..hi} hold, inserted or found committed; counted is null
     * when a range was left out because the task stopped resolving.
     */
    private record Inserted(long lo, long hi, Counted counted) {
    }

    /**
     * Whether the task has deliveries the ranges did not count: outside them, or whose contact was erased (NULL,
     * first in descending order). Two probes at the ends of the task's {@code (task_id, contact_id)} index.
     */
    private boolean rowsOutside(long taskId, Inserted inserted) {
        return Boolean.TRUE.equals(jdbc.queryForObject(ROWS_OUTSIDE, new MapSqlParameterSource()
                .addValue("taskId", taskId).addValue("lo", inserted.lo()).addValue("hi", inserted.hi()), Boolean.class));
    }

    private RecipientRule audienceRule(TaskRow task) {
        RecipientRule rule;
        try {
            rule = RecipientRule.parse(task.recipientRule());
        } catch (IllegalArgumentException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "InvalidRecipientRule");
        }
        Integer templates = jdbc.queryForObject(
                "SELECT count(*) FROM template_set_items WHERE template_set_id = :setId",
                Map.of("setId", task.templateSetId()), Integer.class);
        if (templates == null || templates == 0) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "template set " + task.templateSetId() + " of task " + task.id() + " has no templates",
                    "EmptyTemplateSet");
        }
        return rule;
    }

    /**
     * Contact ids per sub-range. A range is a whole number of sub-ranges, aligned on them, and is inserted in one
     * transaction, so what any attempt committed is a set of whole sub-ranges ({@code [k × SUB_RANGE_IDS,
     * (k+1) × SUB_RANGE_IDS)}), never derived from the data. That lets each attempt choose its range size from the
     * owner's contact ids as they are then: a retry looks at the sub-ranges, not at its own ranges. (8,192 before
     * the first range became one sub-range: what an attempt of that build committed is whole sub-ranges of this size
     * too, but not the other way round, so a worker of that build must not retry an attempt of this one.)
     */
    static final long SUB_RANGE_IDS = 1_024;
    /**
     * The first range of a start: one sub-range, committed within tens of milliseconds, after which the demand goes
     * out (issue 12: the first mail waited for the first 16,384-id range at 100,000 contacts, ~0.75 s of its ~1.1 s).
     */
    static final long FIRST_RANGE_IDS = SUB_RANGE_IDS;
    /** The smallest range after the first (the range size of a 20,000-contact audience). */
    static final long MIN_RANGE_IDS = 8_192;
    /** The largest range (a million-contact audience in 16 ranges, as when every range was this size). */
    static final long MAX_RANGE_IDS = 65_536;
    /**
     * The range size for contact ids {@code lo..hi}: a power-of-two multiple of the sub-range, at most the maximum,
     * giving about {@code rangesPerConnection} ranges per connection. The connections take ranges as they finish one,
     * so with about four each (the default) they end within a range's time of each other. With one size for all, a
     * 100,000-contact audience was one range of 65,535 contacts and one of 34,465, and a 20,000-contact one a single
     * range on one connection: the first mail waited for the larger range while the second core idled.
     */
    static long rangeIds(long lo, long hi, int parallelism, int rangesPerConnection) {
        long wanted = (long) parallelism * rangesPerConnection;
        long size = MIN_RANGE_IDS;
        while (size < MAX_RANGE_IDS && hi / size - lo / size + 1 > wanted) {
            size *= 2;
        }
        return size;
    }

    /**
     * The contact-id ranges {@code [from, to]} covering {@code lo..hi}, in order: the first sub-range alone
     * ({@link #FIRST_RANGE_IDS}), so the demand goes out after a small insert, then the rest of its
     * {@code size}-aligned range, then whole ranges of {@code size} ids. Every range is a whole number of sub-ranges,
     * aligned on them.
     */
    static List<long[]> ranges(long lo, long hi, long size) {
        List<long[]> ranges = new ArrayList<>();
        long firstFrom = lo / FIRST_RANGE_IDS * FIRST_RANGE_IDS;
        ranges.add(new long[] {firstFrom, firstFrom + FIRST_RANGE_IDS - 1});
        for (long from = firstFrom + FIRST_RANGE_IDS; from <= hi; from = (from / size + 1) * size) {
            ranges.add(new long[] {from, (from / size + 1) * size - 1});
        }
        return ranges;
    }

    /**
     * The task's contacts, range by range, on up to {@code parallelism} connections at once; null when the owner has
     * no contacts (deliveries of an earlier attempt may still be there: counted, not summed).
     */
    private Inserted insertDeliveries(TaskRow task, RecipientRule rule, Consumer<Counted> rangeIn) {
        Map<String, Object> bounds = jdbc.queryForMap(
                "SELECT min(id) AS lo, max(id) AS hi FROM contacts WHERE owner_id = :ownerId",
                Map.of("ownerId", task.ownerId()));
        if (bounds.get("lo") == null) {
            return null;
        }
        long lo = ((Number) bounds.get("lo")).longValue();
        long hi = ((Number) bounds.get("hi")).longValue();
        long size = rangeIds(lo, hi, audienceProperties.parallelism(), audienceProperties.rangesPerConnection());
        List<long[]> ranges = ranges(lo, hi, size);
        int count = ranges.size();
        int threads = Math.min(audienceProperties.parallelism(), count);
        long started = System.nanoTime();
        AtomicLong total = new AtomicLong();
        AtomicLong pending = new AtomicLong();
        AtomicBoolean leftOut = new AtomicBoolean();
        IntConsumer insert = index -> {
            long[] range = ranges.get(index);
            Counted counted = insertRange(task, rule, range[0], range[1]);
            if (counted == null) {
                leftOut.set(true);
            } else {
                total.addAndGet(counted.total());
                pending.addAndGet(counted.pending());
                rangeIn.accept(counted);
            }
        };
        if (threads == 1) {
            for (int range = 0; range < count; range++) {
                insert.accept(range);
            }
        } else {
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
                Thread thread = new Thread(runnable, "edm-audience-" + task.id());
                thread.setDaemon(true);
                return thread;
            });
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    workers.add(pool.submit(() -> {
                        for (int range = next.getAndIncrement(); range < count; range = next.getAndIncrement()) {
                            insert.accept(range);
                        }
                    }));
                }
                // On a failure the other workers stop after their current range, and the attempt fails only once
                // they have: a range still being inserted when the activity had already failed could commit after
                // its retry began (harmless, the unique constraint sorts it out, but the attempt's end should be
                // its end; a test saw the committed range missing right after the failure).
                RuntimeException failure = null;
                for (Future<?> worker : workers) {
                    try {
                        worker.get();
                    } catch (ExecutionException e) {
                        next.set(count);
                        RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                                : new IllegalStateException(e.getCause());
                        if (failure == null) {
                            failure = cause;
                        } else {
                            failure.addSuppressed(cause);
                        }
                    }
                }
                if (failure != null) {
                    throw failure;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while materialising task " + task.id(), e);
            } finally {
                pool.shutdownNow();
            }
        }
        log.debug("task {}: {} contact-id ranges of up to {} ids inserted in {} ms on {} connection(s)", task.id(),
                count, size, (System.nanoTime() - started) / 1_000_000, threads);
        return new Inserted(ranges.get(0)[0], ranges.get(count - 1)[1],
                leftOut.get() ? null : new Counted(total.get(), pending.get()));
    }

    /**
     * One contact-id range in one transaction, without the sub-ranges an earlier attempt committed (all of them:
     * nothing to do; or the task is no longer resolving: cancelled meanwhile; a pause does not stop it, see
     * {@link #RESOLVING}). The template is drawn per row inside
     * PostgreSQL (uniform over the set). Suppressed addresses are recorded as SKIPPED rather than left out, so the
     * audience size explains itself (INV-4, INV-7). The unique (task_id, contact_id) constraint keeps a contact from
     * appearing twice whatever happens (INV-1): should a stale attempt insert the same range at the same time, one of
     * the two fails on it and is retried, and its retry finds the range committed. (A plain INSERT: ON CONFLICT's
     * speculative insertion cost a sixth more per row.)
     *
     * <p>The token (tracking links, Message-ID, return path) keeps its 32 hex digits (the return path's local part
     * must stay within 64 characters): 8 digits of the delivery id divided by 4,096, then 24 digits (96 bits) of
     * SHA-256 over a random 256-bit key of this statement and the id. The key is never stored, so those 96 bits are as
     * unguessable as random ones, and the prefix reveals no more than the id's order of magnitude. The prefix keeps
     * the unique index on token growing near its right edge, within the last 4,096 entries, like the primary key,
     * instead of taking every new token at a random place in a large index: that random insert was about a third
     * of the statement's time at a million rows. One hash per row is also cheaper than {@code gen_random_uuid()}.
     */
    private Counted insertRange(TaskRow task, RecipientRule rule, long lo, long hi) {
        return tx.execute(status -> {
            List<Long> resolving = jdbc.queryForList("""
                    SELECT id FROM tasks WHERE id = :taskId AND status IN %s AND audience_size IS NULL FOR SHARE
                    """.formatted(TaskStatus.sql(RESOLVING)), Map.of("taskId", task.id()), Long.class);
            if (resolving.isEmpty()) {
                return null;
            }
            // one index probe per sub-range (its first delivery in contact order, if any); a first attempt finds none
            // and inserts the range in one statement
            MapSqlParameterSource params = new MapSqlParameterSource().addValue("lo", lo).addValue("hi", hi)
                    .addValue("sub", SUB_RANGE_IDS).addValue("taskId", task.id())
                    .addValue("noClaim", PendingQueue.NO_CLAIM);
            List<Long> committed = jdbc.queryForList(COMMITTED_SUB_RANGES, params, Long.class);
            // what the committed sub-ranges hold (the others have no row of the task), PENDING as inserted: claims
            // may have taken some since (no claim token: PENDING now)
            Counted counted = committed.isEmpty() ? new Counted(0, 0)
                    : jdbc.queryForObject(COMMITTED_ROWS, params, Counted.ROW);
            long from = lo;
            for (long sub = lo / SUB_RANGE_IDS; sub <= hi / SUB_RANGE_IDS; sub++) {
                if (committed.contains(sub)) {
                    if (from < sub * SUB_RANGE_IDS) {
                        counted = counted.plus(insertContacts(task, rule, from, sub * SUB_RANGE_IDS - 1));
                    }
                    from = (sub + 1) * SUB_RANGE_IDS;
                }
            }
            if (from <= hi) {
                counted = counted.plus(insertContacts(task, rule, from, hi));
            }
            return counted;
        });
    }

    /**
     * The task's deliveries for its contacts with ids {@code lo..hi}, in the caller's transaction; returns how many
     * it inserted and how many of them are PENDING (counted from the insert itself, not read back).
     */
    private Counted insertContacts(TaskRow task, RecipientRule rule, long lo, long hi) {
        byte[] tokenKey = new byte[32];
        TOKEN_KEYS.nextBytes(tokenKey);
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("templateSetId", task.templateSetId())
                .addValue("taskId", task.id())
                .addValue("ownerId", task.ownerId())
                .addValue("campaignId", task.campaignId())
                .addValue("lo", lo)
                .addValue("hi", hi)
                .addValue("tokenKey", tokenKey)
                // a SKIPPED delivery is not in the task's pending queue (PendingQueue)
                .addValue("noClaim", PendingQueue.NO_CLAIM)
                .addValue("include", rule.includeTags().toArray(String[]::new))
                .addValue("exclude", rule.excludeTags().toArray(String[]::new));
        if (rule.readsSent()) {
            // set-based joins only, for this range's transaction (see RecipientRule.SENT_PLAN_SETTING)
            jdbc.getJdbcTemplate().execute(RecipientRule.SENT_PLAN_SETTING);
        }
        // the joins and conditions are RecipientRule's, shared with the planned-audience count of the reservation
        return jdbc.queryForObject("""
                WITH template_choice AS (
                    SELECT array_agg(template_id ORDER BY position, template_id) AS ids
                      FROM template_set_items WHERE template_set_id = :templateSetId
                ), inserted AS (
                    INSERT INTO deliveries (id, task_id, contact_id, template_id, status, skip_reason, claim_token,
                                            token)
                    SELECT a.id,
                           :taskId,
                           a.contact_id,
                           tc.ids[1 + floor(random() * cardinality(tc.ids))::int],
                           CASE WHEN a.suppression_id IS NULL THEN 'PENDING' ELSE 'SKIPPED' END,
                           CASE WHEN a.suppression_id IS NULL THEN NULL ELSE 'SUPPRESSED' END,
                           CASE WHEN a.suppression_id IS NULL THEN NULL ELSE :noClaim END,
                           lpad(to_hex(a.id >> 12), 8, '0')
                               || left(encode(sha256(CAST(:tokenKey AS bytea) || int8send(a.id)), 'hex'), 24)
                      FROM template_choice tc
                     CROSS JOIN (
                        SELECT nextval('deliveries_id_seq') AS id, c.id AS contact_id, s.id AS suppression_id
                          FROM contacts c
                          %s
                         WHERE c.owner_id = :ownerId AND c.id BETWEEN :lo AND :hi
                           %s
                     ) a
                    RETURNING id, status
                ), lowered AS (%s
                )
                SELECT count(*) AS total, count(*) FILTER (WHERE status = 'PENDING') AS pending FROM inserted
                """.formatted(rule.audienceJoins(), rule.sqlConditions(),
                // a claim of the task (a stale attempt's range can commit after the task started sending) could
                // have moved past these rows
                PendingQueue.lowerTo("inserted", ":taskId")), params, Counted.ROW);
    }

    @Override
    public TaskAudience startSending(long taskId) {
        TaskAudience audience = materializeDeliveries(taskId, true);
        if (audience.pending() > 0) {
            publishDemand(new TaskDemand(taskId, audience.ownerId(), audience.taskCreatedAtEpochMillis()));
        }
        return audience;
    }

    @Override
    public int publishDemand(TaskDemand demand) {
        Map<Long, String> services = new java.util.LinkedHashMap<>();
        jdbc.query("""
                SELECT s.id, s.name
                  FROM user_sender_service_access a
                  JOIN sender_services s ON s.id = a.sender_service_id
                 WHERE a.user_id = :ownerId AND %s
                 ORDER BY s.id
                """.formatted(SenderService.USABLE_SQL), Map.of("ownerId", demand.ownerId()), rs -> {
            services.put(rs.getLong("id"), rs.getString("name"));
        });
        // The services are signalled at once, not one after the other: each signal-with-start is a round trip
        // that Temporal persists, and a service's first mail waits for its signal (issue 12).
        List<CompletableFuture<Void>> signals = new ArrayList<>();
        for (Map.Entry<Long, String> entry : services.entrySet()) {
            signals.add(CompletableFuture.runAsync(() -> signalDemand(demand, entry.getKey(), entry.getValue()),
                    DEMAND_SIGNALS));
        }
        try {
            CompletableFuture.allOf(signals.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        log.info("task {}: demand published to {} sender service(s)", demand.taskId(), services.size());
        return services.size();
    }

    /** Threads for {@link #publishDemand}'s signals (idle ones end after a minute). */
    private static final ExecutorService DEMAND_SIGNALS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "edm-demand-signal");
        thread.setDaemon(true);
        return thread;
    });

    private void signalDemand(TaskDemand demand, long serviceId, String serviceName) {
        // Signal-with-start: the service's workflow may not run yet (first task ever, or it was terminated);
        // either way exactly one run per service exists afterwards, because the workflow id is the service id.
        SenderServiceWorkflow service = workflowClient.newWorkflowStub(SenderServiceWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(WorkflowIds.senderService(serviceId))
                        .setTaskQueue(TaskQueues.EDM)
                        .setTypedSearchAttributes(SearchAttributes.newBuilder()
                                .set(EdmSearchAttributes.SENDER_SERVICE_ID, serviceId)
                                .build())
                        // the admin's label for the service, shown in the Web UI's list (set when it starts)
                        .setMemo(Map.of("name", serviceName))
                        .build());
        BatchRequest request = workflowClient.newSignalWithStartRequest();
        request.add(service::run, SenderServiceState.fresh(serviceId));
        request.add(service::demand, demand);
        workflowClient.signalWithStart(request);
    }

    /** Every delivery of the task {@code :taskId} by status (a constant so that bin/bench readers times this one). */
    static final String COUNT_DELIVERIES = """
            SELECT count(*) FILTER (WHERE status = 'PENDING')   AS pending,
                   count(*) FILTER (WHERE status = 'SENDING')   AS sending,
                   count(*) FILTER (WHERE status = 'SENT')      AS sent,
                   count(*) FILTER (WHERE status = 'FAILED')    AS failed,
                   count(*) FILTER (WHERE status = 'UNKNOWN')   AS unknown,
                   count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled,
                   count(*) FILTER (WHERE status = 'SKIPPED')   AS skipped
              FROM deliveries WHERE task_id = :taskId
            """;

    @Override
    public DeliveryCounts countDeliveries(long taskId) {
        // A retry reopens FAILED deliveries in a transaction that holds this row until Temporal has taken its signal
        // (api TaskLifecycle.retry): waiting for that lock here means a count woken by the signal sees the reopened
        // deliveries, and the task cannot finish with PENDING ones the count missed.
        jdbc.queryForList("SELECT id FROM tasks WHERE id = :taskId FOR SHARE", Map.of("taskId", taskId), Long.class);
        settleAbandonedClaims(taskId);
        return jdbc.queryForObject(COUNT_DELIVERIES, Map.of("taskId", taskId), (rs, i) -> new DeliveryCounts(
                rs.getLong("pending"), rs.getLong("sending"), rs.getLong("sent"), rs.getLong("failed"),
                rs.getLong("unknown"), rs.getLong("cancelled"), rs.getLong("skipped")));
    }

    /**
     * A send activity normally settles its own claim, even across retries. One that is gone for good (retries
     * exhausted, its workflow terminated) leaves SENDING rows behind that would keep the task from ever finishing.
     * Untouched for {@code edm.delivery.stale-claim-after}, they are settled here: never attempted goes back to
     * PENDING (a later batch sends it), attempted goes to UNKNOWN (it may have been sent: INV-3). The claim token
     * is cleared on the PENDING ones, so a late zombie of the old activity can no longer mark them attempted.
     */
    private void settleAbandonedClaims(long taskId) {
        tx.executeWithoutResult(status -> settleAbandonedClaimsLocked(taskId, false));
    }

    /** The deliveries of the task {@code :taskId} being sent: SENDING in its open batches. */
    static final String OPEN_BATCHES_SENDING = """
            SELECT count(*) FROM send_batches b JOIN deliveries d ON %s
             WHERE b.task_id = :taskId AND b.closed_at IS NULL AND d.status = 'SENDING'
            """.formatted(SendBatches.rowsOf("b", "d"));

    /**
     * The recheck's count (issue plans12): PENDING exactly, from the task's claim position on (TaskQuota's count:
     * none is below it, see PendingQueue), and the SENDING rows of its open send batches, where a claim's
     * SENDING rows are until the batch closes (SendBatches). Neither reads the task's settled rows, so a recheck of a
     * task of a million deliveries reads the tail still to claim and the batches in flight, not the million.
     * Abandoned claims are settled here too, within the open batches (where an abandoned activity leaves them). The
     * other counts stay 0: the workflow asks {@link #countDeliveries} when this finds nothing outstanding, and that
     * full count (which also settles SENDING rows wherever they are) decides whether the task is done.
     */
    @Override
    public DeliveryCounts countOutstanding(long taskId) {
        // the same lock as countDeliveries, for the same reason (a retry's reopened deliveries)
        jdbc.queryForList("SELECT id FROM tasks WHERE id = :taskId FOR SHARE", Map.of("taskId", taskId), Long.class);
        tx.executeWithoutResult(status -> settleAbandonedClaimsLocked(taskId, true));
        Long sending = jdbc.queryForObject(OPEN_BATCHES_SENDING, Map.of("taskId", taskId), Long.class);
        return new DeliveryCounts(quota.pendingDeliveries(taskId), sending == null ? 0 : sending, 0, 0, 0, 0, 0);
    }

    /**
     * Quota: a delivery back to PENDING is held again by a task that holds its PENDING deliveries (SENDING); a task
     * that does not (paused by the operator, cancelled) refunded what was PENDING when it stopped holding, so the unit
     * claimed back from the abandoned activity is refunded here. The task row is locked (shared) so this serialises
     * with a pause or cancel that counts PENDING deliveries.
     */
    private void settleAbandonedClaimsLocked(long taskId, boolean openBatchesOnly) {
        List<Map<String, Object>> task = jdbc.queryForList(
                "SELECT owner_id, status, pause_reason FROM tasks WHERE id = :id FOR SHARE", Map.of("id", taskId));
        List<String> settledTo = jdbc.queryForList("""
                WITH settled AS (
                UPDATE deliveries d
                   SET status = CASE WHEN d.attempted_at IS NULL THEN 'PENDING' ELSE 'UNKNOWN' END,
                       claim_token = CASE WHEN d.attempted_at IS NULL THEN NULL ELSE d.claim_token END,
                       sender_service_id = CASE WHEN d.attempted_at IS NULL THEN NULL ELSE d.sender_service_id END,
                       error = CASE WHEN d.attempted_at IS NULL THEN d.error
                                    ELSE 'outcome unknown: the send activity was abandoned after calling the provider' END,
                       updated_at = now()
                """ + (openBatchesOnly ? " FROM send_batches b" : "") + """
                 WHERE d.task_id = :taskId AND d.status = 'SENDING'
                   AND d.updated_at < now() - make_interval(secs => :staleSeconds)
                """ + (openBatchesOnly ? " AND b.task_id = :taskId AND b.closed_at IS NULL AND "
                        + SendBatches.rowsOf("b", "d") : "") + """
                RETURNING d.id, d.status
                ), lowered AS (""" + PendingQueue.lowerTo("settled", ":taskId") + """
                )
                SELECT status FROM settled
                """, new MapSqlParameterSource()
                .addValue("taskId", taskId)
                .addValue("staleSeconds", (double) deliveryProperties.staleClaimAfter().toSeconds()), String.class);
        if (!settledTo.isEmpty()) {
            log.warn("task {}: settled {} deliveries of abandoned send activities", taskId, settledTo.size());
        }
        long backToPending = settledTo.stream().filter("PENDING"::equals).count();
        if (backToPending > 0 && !task.isEmpty()
                && !TaskStatus.holdsQuota((String) task.get(0).get("status"), (String) task.get(0).get("pause_reason"))) {
            quota.refund(taskId, ((Number) task.get(0).get("owner_id")).longValue(), backToPending,
                    QuotaLedger.RELEASE_REFUND, backToPending + " never-sent deliveries of an abandoned send "
                            + "activity returned while the task holds no quota");
        }
    }

    @Override
    public void finishTask(long taskId) {
        DeliveryCounts counts = countDeliveries(taskId);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", counts.total());
        summary.put("sent", counts.sent());
        summary.put("failed", counts.failed());
        summary.put("unknown", counts.unknown());
        summary.put("cancelled", counts.cancelled());
        summary.put("skipped", counts.skipped());
        summary.put("pending", counts.pending());
        summary.put("sending", counts.sending());
        String json;
        try {
            json = JSON.writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean moved = Boolean.TRUE.equals(tx.execute(status -> {
            TaskRow before = lockTask(taskId);
            boolean finished = transitions.moveTask(taskId, TaskStatus.NOT_ENDED, TaskStatus.FINISHED,
                    "every delivery reached a final state: " + json, TaskChange.finish(json));
            // nothing is PENDING when a task finishes; should something be, the task gives its quota back
            if (finished && before.holds()) {
                quota.refund(taskId, before.ownerId(), quota.pendingDeliveries(taskId), QuotaLedger.FINISH_REFUND,
                        "finished with deliveries still pending");
            }
            quota.releaseTask(taskId, QuotaLedger.FINISH_REFUND, null, "finished before it started");
            if (finished) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("task_id", taskId);
                data.put("campaign_id", before.campaignId());
                data.put("counts", summary);
                outgoing.publish(before.ownerId(), WebhookEventType.TASK_FINISHED, data);
            }
            return finished;
        }));
        if (moved) {
            log.info("task {} finished: {}", taskId, json);
        }
    }

    /**
     * An operator pause replaces any pause reason (a system one included) and a system pause replaces an operator's
     * only through this same method: either way the change is an execution-log row.
     */
    @Override
    public boolean pauseTask(long taskId, String reason) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            // the row lock first: a claim in flight (FOR SHARE) finishes before the PENDING deliveries are counted,
            // and no claim starts until this commits, so each delivery is either claimed or refunded
            TaskRow before = lockTask(taskId);
            transitions.moveTask(taskId, TaskStatus.RUNNING, TaskStatus.PAUSED, reason,
                    TaskChange.pause(reason));
            TaskRow after = lockTask(taskId);
            // while its audience is being inserted the task holds its reservation, paused or not (TaskQuota)
            quota.settle(taskId, before.ownerId(), before.holdsPending(), after.holdsPending(), QuotaLedger.PAUSE_REFUND,
                    "paused: " + reason);
            return TaskStatus.PAUSED.is(after.status());
        }));
    }

    /**
     * PAUSED → SENDING re-reserves the PENDING deliveries (RESUME_RESERVE) unless the task already held them (it was
     * paused by the system for want of a sender service). Without the quota the task stays PAUSED with
     * {@link PauseReason#NO_USER_QUOTA}, which {@link #refreshSendability} lifts once the quota is there.
     */
    @Override
    public boolean resumeTask(long taskId, String reason) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            TaskRow before = lockTask(taskId);
            if (!TaskStatus.PAUSED.is(before.status())) {
                return false;
            }
            if (!before.holds() && before.audienceSize() != null
                    && !quota.reservePending(taskId, before.ownerId(), QuotaLedger.RESUME_RESERVE, null, reason)) {
                if (!PauseReason.NO_USER_QUOTA.is(before.pauseReason())) {
                    transitions.moveTask(taskId, List.of(TaskStatus.PAUSED), TaskStatus.PAUSED,
                            PauseReason.NO_USER_QUOTA.text(), TaskChange.pause(PauseReason.NO_USER_QUOTA));
                }
                log.info("task {}: not resumed, not enough quota for its pending deliveries", taskId);
                return false;
            }
            return transitions.moveTask(taskId, List.of(TaskStatus.PAUSED), TaskStatus.SENDING, reason,
                    TaskChange.resume());
        }));
    }

    @Override
    public long cancelTask(long taskId, String reason) {
        Long cancelled = tx.execute(status -> {
            lockTask(taskId); // a task that does not exist is a non-retryable failure, as for every task activity
            return new TaskCancellation(jdbc, transitions, quota).cancel(taskId, reason);
        });
        log.info("task {} cancelled: {} unsent deliveries cancelled", taskId, cancelled);
        return cancelled == null ? 0 : cancelled;
    }

    /** Set by Spring; without it (hand-wired tests) a task is never paused for want of a sender service. */
    @org.springframework.beans.factory.annotation.Autowired(required = false)
    public void useSendabilityCheck(org.edm.activities.delivery.TaskSendabilityCheck check) {
        this.sendability = check;
    }

    /**
     * First the user's quota (F20 step 1): a task paused with {@link PauseReason#NO_USER_QUOTA} re-reserves its
     * PENDING deliveries as soon as the balance covers them and goes back to SENDING; then the sender services.
     */
    @Override
    public org.edm.workflows.task.TaskSendability refreshSendability(long taskId) {
        Boolean resumedFromQuota = tx.execute(status -> {
            // the row lock only for a task paused for quota: taken while the lanes send, it waits for the claims'
            // FOR SHARE (see TaskSendabilityCheck.refresh)
            List<Map<String, Object>> unlocked = jdbc.queryForList(
                    "SELECT status, pause_reason FROM tasks WHERE id = :taskId", Map.of("taskId", taskId));
            if (!unlocked.isEmpty() && !pausedForQuota((String) unlocked.get(0).get("status"),
                    (String) unlocked.get(0).get("pause_reason"))) {
                return false;
            }
            TaskRow task = lockTask(taskId);
            if (!pausedForQuota(task.status(), task.pauseReason())) {
                return false;
            }
            String campaignStatus = jdbc.queryForObject("SELECT status FROM campaigns WHERE id = :id",
                    Map.of("id", task.campaignId()), String.class);
            if (CampaignStatus.PAUSED.name().equals(campaignStatus)
                    || CampaignStatus.CANCELLED.name().equals(campaignStatus)
                    || !quota.reservePending(taskId, task.ownerId(), QuotaLedger.RESUME_RESERVE, null,
                    "quota available again")) {
                return null;
            }
            return transitions.moveTask(taskId, List.of(TaskStatus.PAUSED), TaskStatus.SENDING,
                    "quota available again", TaskChange.resume());
        });
        if (resumedFromQuota == null) {
            return new org.edm.workflows.task.TaskSendability(TaskStatus.PAUSED.name(),
                    PauseReason.NO_USER_QUOTA.text(), false, 0);
        }
        org.edm.workflows.task.TaskSendability services = sendability == null
                ? new org.edm.workflows.task.TaskSendability(resumedFromQuota ? TaskStatus.SENDING.name()
                        : org.edm.workflows.task.TaskSendability.UNCHECKED, null, false, 0)
                : sendability.refresh(taskId);
        if (resumedFromQuota && TaskStatus.SENDING.is(services.status())) {
            return new org.edm.workflows.task.TaskSendability(TaskStatus.SENDING.name(), null, true, 0);
        }
        return services;
    }

    private static boolean pausedForQuota(String status, String pauseReason) {
        return TaskStatus.PAUSED.is(status) && PauseReason.NO_USER_QUOTA.is(pauseReason);
    }

    /** The refund happens in {@link #cancelTask}, in the cancel's own transaction; this only logs. */
    @Override
    public void refundUnsentQuota(long taskId, long cancelledDeliveries) {
        log.info("task {}: {} cancelled deliveries; their quota was refunded when they were cancelled", taskId,
                cancelledDeliveries);
    }

    private TaskRow lockTask(long taskId) {
        List<TaskRow> rows = jdbc.query("""
                SELECT id, campaign_id, owner_id, status, pause_reason, recipient_rule::text AS rule, template_set_id,
                       created_at, name, audience_size
                  FROM tasks WHERE id = :taskId FOR UPDATE
                """, Map.of("taskId", taskId), (rs, i) -> new TaskRow(rs.getLong("id"), rs.getLong("campaign_id"), rs.getLong("owner_id"),
                rs.getString("status"), rs.getString("pause_reason"), rs.getString("rule"),
                rs.getLong("template_set_id"), rs.getTimestamp("created_at"), rs.getString("name"),
                (Integer) rs.getObject("audience_size")));
        if (rows.isEmpty()) {
            throw ApplicationFailure.newNonRetryableFailure("task " + taskId + " does not exist", "TaskNotFound");
        }
        return rows.get(0);
    }

    private record TaskRow(long id, long campaignId, long ownerId, String status, String pauseReason,
                           String recipientRule, long templateSetId, Timestamp createdAt, String name,
                           Integer audienceSize) {

        /** Whether the task holds quota in this state: its PENDING deliveries', or its reservation's (TaskQuota). */
        boolean holds() {
            return TaskStatus.holdsQuota(status, pauseReason);
        }

        /** Whether it holds exactly its PENDING deliveries ({@link TaskQuota#holdsPending}). */
        boolean holdsPending() {
            return TaskQuota.holdsPending(status, pauseReason, audienceSize);
        }

        boolean notStarted() {
            return TaskStatus.NOT_STARTED.contains(TaskStatus.of(status));
        }
    }
}
