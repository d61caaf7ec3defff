package org.edm.domain.task;

/**
 * A task's queue of deliveries to send is its rows without a claim token: {@code status = 'PENDING'} exactly when
 * {@code claim_token IS NULL} (the CHECK constraint {@code deliveries_pending_iff_unclaimed}, V150).
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

    private PendingQueue() {
    }
}
