package org.edm.activities.delivery;

import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The send lanes' shared per-group statement (group commit) on a real PostgreSQL: lanes that arrive while a statement
 * runs are written by the next one, together, and each learns which of its own deliveries were marked attempted;
 * a failure fails only the lane whose writes cause it.
 */
class SharedLaneStatementTests {

    private static final String CLAIM = "wf/run/activity-1";

    /** One thread per lane (the common pool may have a single thread on two cores). */
    private final ExecutorService lanes = Executors.newCachedThreadPool();
    private ActivitiesHarness harness;
    private Fixtures f;
    private long task;
    private GatedClaims claims;
    /** The claim's 40 deliveries in id order: four lanes' groups of ten. */
    private List<Long> ids;

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness();
        f = harness.fixtures;
        long owner = f.user("operator");
        long campaign = f.campaign(owner, "Spring sale");
        long templateSet = f.templateSet(owner, f.template(owner, "Hi {{nickname}}", "<p>{{nickname}}</p>"));
        f.contacts(owner, "lane", 40);
        task = f.task(campaign, owner, "{}", templateSet);
        harness.taskActivities(null).materializeDeliveries(task);
        long service = f.smtpService("mail.example", 2525, 1000, 0, null, null);
        claims = new GatedClaims(harness);
        assertThat(claims.claim(service, task, 40, CLAIM, Instant.now(), harness.providerRegistry).sending())
                .isEqualTo(40);
        ids = claims.unattemptedIds(CLAIM);
    }

    @AfterEach
    void tearDown() {
        lanes.shutdownNow();
        harness.close();
    }

    /** A send lane on its own thread: records {@code previous} and marks {@code next} through {@code shared}. */
    private CompletableFuture<Set<Long>> lane(SharedLaneStatement shared, List<DeliveryClaims.Sent> previous,
                                              List<Long> next) {
        return CompletableFuture.supplyAsync(() -> shared.recordSentAndMarkAttempted(previous, next), lanes);
    }

    private List<Long> group(int lane) {
        return ids.subList(lane * 10, lane * 10 + 10);
    }

    private static List<DeliveryClaims.Sent> accepted(List<Long> group) {
        return group.stream().map(id -> new DeliveryClaims.Sent(id, "<" + id + "@mail.example>", "q" + id)).toList();
    }

    @Test
    void lanesArrivingWhileAStatementRunsShareTheNextAndEachLearnsItsOwnMarks() throws Exception {
        SharedLaneStatement shared = new SharedLaneStatement(claims, CLAIM);
        // lane 0 sent its first group (marked before), and now records it with its next group's mark
        assertThat(claims.markAttempted(group(0), CLAIM)).hasSize(10);
        // one delivery of lane 2's next group is already attempted (no longer this claim's to send)
        Long taken = group(2).get(5);
        assertThat(claims.markAttempted(List.of(taken), CLAIM)).containsExactly(taken);
        claims.calls.clear();
        claims.holdNext();

        CompletableFuture<Set<Long>> lane0 = lane(shared, accepted(group(0)), group(1));
        claims.awaitHeld();
        CompletableFuture<Set<Long>> lane2 = lane(shared, List.of(), group(2));
        CompletableFuture<Set<Long>> lane3 = lane(shared, List.of(), group(3));
        await(() -> shared.queued() == 2);
        assertThat(lane2).as("a lane waits while another lane's statement runs").isNotDone();
        claims.release();

        assertThat(lane0.get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(group(1));
        Set<Long> expected2 = new HashSet<>(group(2));
        expected2.remove(taken);
        assertThat(lane2.get(10, TimeUnit.SECONDS)).as("only its own ids, without the one it did not mark")
                .containsExactlyInAnyOrderElementsOf(expected2);
        assertThat(lane3.get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(group(3));
        assertThat(claims.calls).as("two statements: lane 0's, then lanes 2 and 3 together").hasSize(2);
        assertThat(claims.calls.get(1).next()).containsExactlyInAnyOrderElementsOf(
                concat(group(2), group(3)));

        // in the database: lane 0's group SENT (with no send events), every other group attempted and SENDING
        assertThat(f.deliveryStatuses(task)).containsOnly(Map.entry("SENT", 10L), Map.entry("SENDING", 30L));
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'SENDING' "
                + "AND attempted_at IS NOT NULL", Integer.class, task)).isEqualTo(30);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'SENT' "
                + "AND sent_at IS NOT NULL AND message_id IS NOT NULL", Integer.class, task)).isEqualTo(10);
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM event_log WHERE task_id = ?", Integer.class, task))
                .as("no send event per mail (issue 12)").isZero();

        // a lane alone runs its statement at once, by itself: its last group recorded, nothing marked
        claims.calls.clear();
        assertThat(shared.recordSentAndMarkAttempted(accepted(group(3)), List.of())).isEmpty();
        assertThat(claims.calls).containsExactly(new Call(group(3), List.of()));
        assertThat(f.deliveryStatuses(task)).containsOnly(Map.entry("SENT", 20L), Map.entry("SENDING", 20L));
    }

    /**
     * A shared statement that fails (here: one lane's writes are refused) is run again lane by lane, so only the lane
     * whose writes fail it fails, with nothing of its writes in the database; the lanes queued with it go on.
     */
    @Test
    void aFailureFailsOnlyTheLaneWhoseWritesCauseIt() throws Exception {
        SharedLaneStatement shared = new SharedLaneStatement(claims, CLAIM);
        claims.holdNext();
        CompletableFuture<Set<Long>> lane0 = lane(shared, List.of(), group(0));
        claims.awaitHeld();
        CompletableFuture<Set<Long>> lane1 = lane(shared, List.of(), group(1));
        CompletableFuture<Set<Long>> lane2 = lane(shared, accepted(group(0)), group(2));
        await(() -> shared.queued() == 2);
        claims.refuse(group(2).get(3));
        claims.release();

        assertThat(lane0.get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(group(0));
        assertThat(lane1.get(10, TimeUnit.SECONDS)).as("queued with the failing lane, and not failed by it")
                .containsExactlyInAnyOrderElementsOf(group(1));
        assertThatThrownBy(() -> lane2.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(rootCause(e)).isInstanceOf(QueryTimeoutException.class)
                        .hasMessage("simulated failure"));
        assertThat(f.jdbc().queryForList("SELECT status || ' ' || (attempted_at IS NOT NULL) || ' ' || count(*) "
                + "FROM deliveries WHERE task_id = ? GROUP BY status, attempted_at IS NOT NULL", String.class, task))
                .as("groups 0 and 1 marked; the failing lane's group not marked and its accepted ones not recorded")
                .containsExactlyInAnyOrder("SENDING true 20", "SENDING false 20");

        // the next lane is not affected: its statement runs
        claims.refuse(null);
        assertThat(shared.recordSentAndMarkAttempted(accepted(group(0)), group(3)))
                .containsExactlyInAnyOrderElementsOf(group(3));
        assertThat(f.deliveryStatuses(task)).containsOnly(Map.entry("SENT", 10L), Map.entry("SENDING", 30L));
    }

    /**
     * Should two lanes ever list the same delivery in their next groups (each having read it unattempted), one
     * statement each would give it to the first only; sharing one statement, it must still go to one of them only,
     * or both would send it.
     */
    @Test
    void aDeliveryInTwoLanesNextGroupsGoesToOneOfThemOnly() throws Exception {
        SharedLaneStatement shared = new SharedLaneStatement(claims, CLAIM);
        claims.holdNext();
        CompletableFuture<Set<Long>> lane0 = lane(shared, List.of(), group(0));
        claims.awaitHeld();
        CompletableFuture<Set<Long>> stale = lane(shared, List.of(), group(1));
        await(() -> shared.queued() == 1);
        CompletableFuture<Set<Long>> retry = lane(shared, List.of(), group(1));
        await(() -> shared.queued() == 2);
        claims.release();

        assertThat(lane0.get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(group(0));
        Set<Long> handedTo = new HashSet<>(stale.get(10, TimeUnit.SECONDS));
        Set<Long> retried = retry.get(10, TimeUnit.SECONDS);
        assertThat(java.util.Collections.disjoint(handedTo, retried)).as("each delivery to one lane only: "
                + handedTo + " and " + retried).isTrue();
        handedTo.addAll(retried);
        assertThat(handedTo).containsExactlyInAnyOrderElementsOf(group(1));
        assertThat(claims.calls).as("the two went in one statement").hasSize(2);
    }

    /** No database to write to: the lanes the failed statement carried fail at once, without a rerun each. */
    @Test
    void whenTheDatabaseCannotBeReachedTheCarriedLanesFailWithoutARerunEach() throws Exception {
        SharedLaneStatement shared = new SharedLaneStatement(claims, CLAIM);
        claims.holdNext();
        CompletableFuture<Set<Long>> lane0 = lane(shared, List.of(), group(0));
        claims.awaitHeld();
        CompletableFuture<Set<Long>> lane1 = lane(shared, List.of(), group(1));
        CompletableFuture<Set<Long>> lane2 = lane(shared, List.of(), group(2));
        await(() -> shared.queued() == 2);
        claims.unreachable = true;
        claims.release();

        assertThat(lane0.get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(group(0));
        for (CompletableFuture<Set<Long>> carried : List.of(lane1, lane2)) {
            assertThatThrownBy(() -> carried.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .satisfies(e -> assertThat(rootCause(e)).isInstanceOf(CannotGetJdbcConnectionException.class));
        }
        assertThat(claims.calls).as("lane 0's statement and the shared one, no rerun per lane").hasSize(2);
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    record Call(List<Long> previous, List<Long> next) {
    }

    /** The real statements, recording each call; the next call can be held until released, or made to fail. */
    private static final class GatedClaims extends DeliveryClaims {
        final List<Call> calls = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch held = new CountDownLatch(0);
        private volatile CountDownLatch holding = new CountDownLatch(0);
        private volatile boolean hold;
        /** A statement whose next group holds this id fails. */
        private volatile Long refused;
        /** Every statement fails as if no connection could be had. */
        volatile boolean unreachable;

        GatedClaims(ActivitiesHarness harness) {
            super(harness.jdbc, harness.tx, harness.lanes.jdbc());
        }

        void holdNext() {
            held = new CountDownLatch(1);
            holding = new CountDownLatch(1);
            hold = true;
        }

        void awaitHeld() throws InterruptedException {
            assertThat(holding.await(10, TimeUnit.SECONDS)).as("a statement is held").isTrue();
        }

        void release() {
            held.countDown();
        }

        void refuse(Long id) {
            refused = id;
        }


        @Override
        public Set<Long> recordSentAndMarkAttempted(List<Sent> previous, List<Long> next, String claimToken) {
            calls.add(new Call(previous.stream().map(Sent::deliveryId).toList(), List.copyOf(next)));
            if (hold) {
                hold = false;
                holding.countDown();
                try {
                    held.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (unreachable) {
                throw new CannotGetJdbcConnectionException("simulated: no connection");
            } else if (refused != null && next.contains(refused)) {
                throw new QueryTimeoutException("simulated failure");
            }
            return super.recordSentAndMarkAttempted(previous, next, claimToken);
        }
    }
}
