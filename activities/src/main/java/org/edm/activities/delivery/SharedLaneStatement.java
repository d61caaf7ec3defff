package org.edm.activities.delivery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The per-group statement of one batch's send lanes, shared by them (group commit). Each lane, between two groups,
 * records its previous group's accepted messages and marks its next group attempted
 * ({@link DeliveryClaims#recordSentAndMarkAttempted}). Instead of one statement and transaction per lane, the lanes
 * that are waiting for that statement at the same moment are written by one: the first lane to arrive while none is
 * running runs it at once for itself and every lane queued by then (leader); lanes arriving while it runs queue, and
 * the first of them to wake when it ends runs the next one for all of them. A lane alone waits for nothing more than
 * its own statement (no timer), and a statement starts as soon as the previous one ended.
 *
 * <p>Why: PostgreSQL spent most of the send path's CPU on this statement, and a lane's group is small (ten mails);
 * per statement and per transaction costs (protocol, executor start, commit, eight backends contending for the same
 * index pages on two cores) weighed more than its rows.
 *
 * <p>At most once (INV-3) is unchanged: a lane still hands over no message before the statement that marks its group
 * has committed, and its previous group's outcome commits in that same statement, so each lane has at most one group
 * attempted without a recorded outcome; a crash leaves at most group × lanes UNKNOWN, as before. The groups of
 * different lanes are disjoint, so the shared statement changes no row twice. Each lane learns which of its own ids
 * were marked. If the statement fails, it fails for every lane it carried (its transaction carried all of their
 * writes) and for no other: the next one runs for whoever queued meanwhile.
 *
 * <p>One per batch (one claim token): the statements stay those of {@link DeliveryClaims#LANE_STATEMENTS}, with
 * larger arrays, so their generic plans still find deliveries by primary key. Not for the paced path (INV-2), which
 * has one lane.
 */
final class SharedLaneStatement {

    private final DeliveryClaims claims;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    /** Lanes waiting for the next statement (guarded by {@link #lock}). */
    private final List<Request> queued = new ArrayList<>();
    /** Whether a lane is running a statement for the lanes it took from {@link #queued} (guarded by lock). */
    private boolean running;

    SharedLaneStatement(DeliveryClaims claims) {
        this.claims = claims;
    }

    /**
     * {@link DeliveryClaims#recordSentAndMarkAttempted} for this lane, in a statement shared with the lanes waiting
     * at the same moment. Returns the ids of {@code next} that were marked. Blocks until the statement that carried
     * this lane's writes has ended (not interruptibly: like a JDBC call, it must learn what was committed); the lists
     * are read by whichever lane runs it, and must not change until this returns.
     */
    Set<Long> recordSentAndMarkAttempted(String claim, List<DeliveryClaims.Sent> previous, List<Long> next) {
        if (previous.isEmpty() && next.isEmpty()) {
            return Set.of();
        }
        Request mine = new Request(new DeliveryClaims.LaneWrites(claim, previous, next));
        List<Request> carried;
        lock.lock();
        try {
            queued.add(mine);
            while (running && !mine.ended) {
                ended.awaitUninterruptibly();
            }
            if (mine.ended) {
                return mine.outcome();
            }
            // nobody is running one: this lane runs it, for everyone queued (itself among them)
            running = true;
            carried = new ArrayList<>(queued);
            queued.clear();
        } finally {
            lock.unlock();
        }
        Set<Long> marked = null;
        Throwable failure = null;
        try {
            marked = run(carried);
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            lock.lock();
            try {
                for (Request request : carried) {
                    request.end(marked, failure, request == mine);
                }
                running = false;
                ended.signalAll();
            } finally {
                lock.unlock();
            }
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return mine.outcome();
    }

    /** How many lanes are waiting for the next statement (tests). */
    int queued() {
        lock.lock();
        try {
            return queued.size();
        } finally {
            lock.unlock();
        }
    }

    private Set<Long> run(List<Request> carried) {
        if (carried.size() == 1) {
            DeliveryClaims.LaneWrites alone = carried.get(0).writes;
            return claims.recordSentAndMarkAttempted(alone.previous(), alone.next(), alone.claim());
        }
        List<DeliveryClaims.LaneWrites> writes = new ArrayList<>(carried.size());
        for (Request request : carried) {
            writes.add(request.writes);
        }
        return claims.recordSentAndMarkAttempted(writes);
    }

    /** One lane's writes and, once its statement ended, their outcome (fields guarded by the lock once queued). */
    private static final class Request {
        final DeliveryClaims.LaneWrites writes;
        boolean ended;
        Set<Long> marked;
        RuntimeException failure;

        Request(DeliveryClaims.LaneWrites writes) {
            this.writes = writes;
        }

        void end(Set<Long> allMarked, Throwable failed, boolean ranIt) {
            ended = true;
            if (failed == null) {
                Set<Long> own = new HashSet<>(writes.next().size() * 2);
                for (Long id : writes.next()) {
                    if (allMarked.contains(id)) {
                        own.add(id);
                    }
                }
                marked = own;
            } else if (ranIt && failed instanceof RuntimeException e) {
                failure = e;
            } else {
                // each lane throws its own exception (a lane's failure may get suppressed ones added to it)
                failure = new SharedStatementFailed(failed);
            }
        }

        Set<Long> outcome() {
            if (failure != null) {
                throw failure;
            }
            return marked;
        }
    }

    /** The shared statement that carried this lane's writes failed: the lane stops as if its own statement had. */
    static final class SharedStatementFailed extends RuntimeException {
        SharedStatementFailed(Throwable cause) {
            super("the send lanes' shared statement failed: " + cause.getClass().getSimpleName(), cause);
        }
    }
}
