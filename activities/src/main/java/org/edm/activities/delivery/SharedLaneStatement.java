package org.edm.activities.delivery;

import org.springframework.dao.DataAccessResourceFailureException;

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
 * index pages on two cores) weighed more than its rows. In the delivery benchmark (4 lanes per batch) a statement
 * carries about 1.8 lanes' groups. (One statement for the lanes of all batches of a worker carried about 3.2 and cut
 * PostgreSQL's CPU a little more, but held the lanes up: fewer mails/s against the plain loop in the same runs.)
 *
 * <p>At most once (INV-3) is unchanged: a lane still hands over no message before the statement that marks its group
 * has committed, and its previous group's outcome commits in that same statement, so each lane has at most one group
 * attempted without a recorded outcome; a crash leaves at most group × lanes UNKNOWN, as before. The groups of
 * different lanes are disjoint, so the shared statement changes no row twice. Each lane learns which of its own ids
 * were marked. A failure fails only the lane whose writes cause it (see {@link #run}); a lane not carried by the
 * failed statement is never held up by it.
 *
 * <p>One per batch (one claim token, one activity attempt): the statements stay those of
 * {@link DeliveryClaims#LANE_STATEMENTS} with larger arrays, so their generic plans still find deliveries by primary
 * key. Not for the paced path (INV-2), which sends one delivery at a time with statements of its own.
 */
final class SharedLaneStatement {

    private final DeliveryClaims claims;
    private final String claim;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    /** Lanes waiting for the next statement (guarded by {@link #lock}). */
    private final List<Request> queued = new ArrayList<>();
    /** Whether a lane is running a statement for the lanes it took from {@link #queued} (guarded by lock). */
    private boolean running;

    SharedLaneStatement(DeliveryClaims claims, String claim) {
        this.claims = claims;
        this.claim = claim;
    }

    /**
     * {@link DeliveryClaims#recordSentAndMarkAttempted} for this lane, in a statement shared with the lanes waiting
     * at the same moment. Returns the ids of {@code next} that were marked. Blocks until the statement that carried
     * this lane's writes has ended (not interruptibly: like a JDBC call, it must learn what was committed); the lists
     * are read by whichever lane runs it, and must not change until this returns.
     */
    Set<Long> recordSentAndMarkAttempted(List<DeliveryClaims.Sent> previous, List<Long> next) {
        if (previous.isEmpty() && next.isEmpty()) {
            return Set.of();
        }
        Request mine = new Request(previous, next);
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
        Throwable failure = null;
        try {
            run(carried);
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            lock.lock();
            try {
                for (Request request : carried) {
                    if (!request.settled) {
                        request.failed(failure == null ? new IllegalStateException("not run") : failure,
                                request == mine);
                    }
                    // published under the lock: the lane reads its outcome after seeing this
                    request.ended = true;
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

    /**
     * Runs the statement for the carried lanes and settles each (without the lock: until it is taken again, only
     * this thread touches the carried requests' outcomes, and their lanes read them once {@code ended} is set). When
     * a statement for several lanes fails, each lane's writes are run again alone, so a failure caused by one lane's
     * writes (say, one lane's rows deadlocked with another transaction) fails that lane only, as it did with a
     * statement each.
     * That is safe for INV-3: a failed statement committed nothing, and if the connection broke at its commit and it
     * did, the rerun marks none of those ids again (they are attempted already, so the lane hands none of them over)
     * and records no outcome twice (those rows are SENT already). Not when the database could not be reached: every
     * rerun would fail the same way, each after its own wait for a connection.
     */
    private void run(List<Request> carried) {
        if (carried.size() == 1) {
            runAlone(carried.get(0));
            return;
        }
        List<DeliveryClaims.Sent> previous = new ArrayList<>();
        List<Long> next = new ArrayList<>();
        for (Request request : carried) {
            previous.addAll(request.previous);
            next.addAll(request.next);
        }
        Set<Long> marked;
        try {
            marked = claims.recordSentAndMarkAttempted(previous, next, claim);
        } catch (DataAccessResourceFailureException unreachable) {
            throw unreachable;
        } catch (RuntimeException shared) {
            for (Request request : carried) {
                runAlone(request);
            }
            return;
        }
        // Should an id ever be in two lanes' next groups, the one statement marks it once: it goes to one of them
        // only, as with two statements, where the second would find it attempted already (never to both: two mails).
        Set<Long> given = new HashSet<>();
        for (Request request : carried) {
            request.marked(marked, given);
        }
    }

    private void runAlone(Request request) {
        try {
            request.marked(claims.recordSentAndMarkAttempted(request.previous, request.next, claim), new HashSet<>());
        } catch (RuntimeException e) {
            request.failed(e, request.lane == Thread.currentThread());
        }
    }

    /** One lane's writes and, once its statement ended, their outcome. */
    private static final class Request {
        final List<DeliveryClaims.Sent> previous;
        final List<Long> next;
        final Thread lane = Thread.currentThread();
        /** Set under the lock once the outcome below is final. */
        boolean ended;
        /** The outcome is known (set by the running lane, before {@code ended}). */
        boolean settled;
        Set<Long> marked;
        RuntimeException failure;

        Request(List<DeliveryClaims.Sent> previous, List<Long> next) {
            this.previous = previous;
            this.next = next;
        }

        /** The ids of this lane's next group among those the statement marked, and not {@code given} to another. */
        void marked(Set<Long> allMarked, Set<Long> given) {
            Set<Long> own = new HashSet<>(next.size() * 2);
            for (Long id : next) {
                if (allMarked.contains(id) && given.add(id)) {
                    own.add(id);
                }
            }
            marked = own;
            settled = true;
        }

        void failed(Throwable cause, boolean ownThread) {
            // each lane throws its own exception (a lane's failure may get suppressed ones added to it)
            failure = ownThread && cause instanceof RuntimeException e ? e : new SharedStatementFailed(cause);
            settled = true;
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
