package org.edm.domain.task;

/**
 * A task's queue of deliveries to send is its rows without a claim token: {@code status = 'PENDING'} exactly when
 * {@code claim_token IS NULL} (the CHECK constraint {@code deliveries_pending_iff_unclaimed}, V150), read from the
 * task's claim position on: every delivery of the task with an id below {@code task_claim_positions.claimed_below}
 * has been claimed or ended (V156).
 *
 * <p>Why a position and not an index on the token: the claim writes claim_token, and no index of deliveries may
 * read a column the claim writes, or the claim could not be a HOT update (each claimed delivery got a new entry in
 * all five indexes). The claim reads the plain {@code (task_id, id)} index from the position on, under the position
 * row's lock (claims of one task take turns, each a few tens of milliseconds), and moves the position past what it
 * took; a claim that rolls back rolls its move back with it. Every writer that makes a delivery PENDING again
 * (a released or abandoned claim, a retry, an audience insert that a claim could have overtaken) lowers the position
 * to it in the same transaction ({@link #lowerTo}).
 *
 * <p>Why not by status: the send path writes each delivery three more times after its claim (attempted, then
 * SENT / FAILED / UNKNOWN), and PostgreSQL writes such a version without touching any index (a HOT update) only when
 * no indexed column changes. With status in the pending index (and others), every outcome added an entry to each of
 * the table's indexes. The claim token is set once, by the claim, and left alone by the outcomes.
 *
 * <p>So every writer that ends a delivery without a claim (SKIPPED at materialisation, CANCELLED by a cancel or an
 * erasure, CANCELLED when a released claim's task has ended) sets {@link #NO_CLAIM}, and every writer that puts one
 * back to PENDING clears the token. A writer that forgets fails on the constraint instead of losing a delivery.
 */
public final class PendingQueue {

    /**
     * The claim token of a delivery that left PENDING without a send activity's claim. Real claim tokens are
     * "workflowId/runId/activityId" and always contain a slash, so no claim ever equals this one.
     */
    public static final String NO_CLAIM = "no claim";

    /**
     * The task {@code task}'s position (an SQL expression): no delivery of it below this id is PENDING. A task without
     * a row has never been claimed from.
     */
    public static String claimedBelow(String task) {
        return "coalesce((SELECT p.claimed_below FROM task_claim_positions p WHERE p.task_id = " + task + "), 0)";
    }

    /**
     * The condition "the delivery {@code d} is of the task {@code task} at or above its claim position" (where all of
     * its PENDING rows are). Written as a row comparison so that only the (task_id, id) index can bound it: with
     * {@code d.id >= position} the planner read the primary key from the position on, through the deliveries of
     * every task materialised after this one (the gauges' pending count took 17 s at five million deliveries).
     */
    public static String fromPosition(String d, String task) {
        return "(" + d + ".task_id = " + task + " AND (" + d + ".task_id, " + d + ".id) >= (" + task + ", "
                + claimedBelow(task) + "))";
    }

    /**
     * The claim's first step, in its transaction: creates the task {@code :taskId}'s position if needed, locks it
     * until the claim commits (claims of one task take turns: none can take a row another one is taking, and a
     * claim that rolls back leaves the position where it was), and returns it.
     */
    public static final String LOCK_POSITION = """
            INSERT INTO task_claim_positions (task_id, claimed_below) VALUES (:taskId, 0)
            ON CONFLICT (task_id) DO UPDATE SET claimed_below = task_claim_positions.claimed_below
            RETURNING claimed_below
            """;

    /**
     * Opens the task {@code :taskId}'s position before its audience is inserted (the start): its ranges commit while
     * claims already run (issue 12), and each range lowers the position below its rows ({@link #lowerTo}). That
     * UPDATE sees only a row that existed when its statement began; had the first claim created the row meanwhile and
     * moved it past the range's ids (two ranges on two connections draw interleaved ids), the range's rows would stay
     * below the position, never claimed.
     */
    public static final String OPEN_POSITION = """
            INSERT INTO task_claim_positions (task_id, claimed_below) VALUES (:taskId, 0) ON CONFLICT (task_id) DO NOTHING
            """;

    /** The claim's last step: everything of the task {@code :taskId} below {@code :below} is claimed or ended. */
    public static final String ADVANCE = """
            UPDATE task_claim_positions SET claimed_below = :below WHERE task_id = :taskId AND claimed_below < :below
            """;

    /**
     * A CTE (name it with {@code lowered AS (...)}) for a statement that makes deliveries PENDING: lowers the position
     * of the task {@code task} to the smallest {@code id} of the rows {@code rows} (a CTE with the columns id and
     * status) that are PENDING. Taken after the rows, like every writer (task row, deliveries, position), so it waits
     * for a claim that holds the position and then moves it below what that claim could not see.
     */
    public static String lowerTo(String rows, String task) {
        // least() rather than "WHERE p.claimed_below > r.lo": the condition must not read the position. The statement
        // sees the position as it was when the statement began; a claim that moved it past these rows since (or is
        // moving it now) is only seen when the row is locked, and an UPDATE locks only the rows its WHERE accepts on
        // that old version. With the condition, a range of the audience inserted while the first claims ran
        // (issue 12) was skipped whenever the position it began with was still below it, and its rows stayed
        // PENDING below the position the claims had moved on.
        return """
                UPDATE task_claim_positions p SET claimed_below = least(p.claimed_below, r.lo)
                  FROM (SELECT min(id) AS lo FROM %1$s WHERE status = 'PENDING') r
                 WHERE p.task_id = %2$s AND r.lo IS NOT NULL""".formatted(rows, task);
    }

    private PendingQueue() {
    }
}
