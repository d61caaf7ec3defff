package org.edm.activities.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the send path behaves on this worker.
 *
 * @param batchSize       the largest batch for a service without throttle: large, because each batch costs an
 *                        activity (Temporal round trips, a workflow task, about ten statements, the lanes' idle tail)
 *                        whatever its size; batches grow to it from {@code firstBatchSize} (see {@code batchTarget})
 * @param firstBatchSize  a task's first unthrottled batch: small, so its first mail is not held up by a large claim
 * @param batchTarget     an unthrottled batch after the first is sized to last about this long at the pace of the one
 *                        before (at most 4× that one, at most {@code batchSize}): a pause, a changed service and
 *                        fairness between users (decided batch by batch) wait about this long whatever the provider's
 *                        speed
 * @param concurrency     parallel sends (and pooled SMTP connections per service) when there is no throttle
 * @param staleClaimAfter a SENDING delivery untouched this long belongs to a send activity that is gone for good
 *                        (retries exhausted, workflow terminated): it is settled so its task can finish (INV-4)
 * @param inFlightGroup   without throttle, each send lane marks this many deliveries attempted in one statement,
 *                        sends them, then records their outcomes with its next group's mark, in one statement. A
 *                        crash in between leaves at most this many deliveries per lane UNKNOWN (never a second
 *                        mail): the at-most-once bound is {@code inFlightGroup × concurrency} per running batch
 * @param laneConnections the send lanes' own database connections ({@link SendLaneConnections}); a lane holds one only
 *                        for its statement per group, so fewer than the lanes of all running batches suffice
 * @param sharedLaneStatement whether a batch's send lanes waiting for their per-group statement at the same moment
 *                        are written by one statement ({@link SharedLaneStatement}, group commit) instead of one
 *                        each; the at-most-once bound is the same either way. Off by default: on the quiet benchmark machine it
 *                        saved no PostgreSQL CPU and sent fewer mails/s, with a later first mail (README, Benchmark);
 *                        on a loaded one it saved about a tenth of PostgreSQL's CPU
 */
@ConfigurationProperties("edm.delivery")
public record DeliveryProperties(@DefaultValue("4000") int batchSize,
                                 @DefaultValue("8") int concurrency,
                                 @DefaultValue("30m") Duration staleClaimAfter,
                                 @DefaultValue("10") int inFlightGroup,
                                 @DefaultValue("16") int laneConnections,
                                 @DefaultValue("false") boolean sharedLaneStatement,
                                 @DefaultValue("250") int firstBatchSize,
                                 @DefaultValue("1s") Duration batchTarget) {

    public static final DeliveryProperties DEFAULTS =
            new DeliveryProperties(4000, 8, Duration.ofMinutes(30), 10, 16, false);

    /** The first batch and the target as by default. */
    public DeliveryProperties(int batchSize, int concurrency, Duration staleClaimAfter, int inFlightGroup,
                              int laneConnections, boolean sharedLaneStatement) {
        this(batchSize, concurrency, staleClaimAfter, inFlightGroup, laneConnections, sharedLaneStatement, 250,
                Duration.ofSeconds(1));
    }

    @ConstructorBinding
    public DeliveryProperties {
        if (batchSize < 1 || concurrency < 1 || inFlightGroup < 1 || laneConnections < 1 || firstBatchSize < 1
                || batchTarget == null || batchTarget.toMillis() < 1) {
            throw new IllegalArgumentException("edm.delivery.batch-size, edm.delivery.concurrency, "
                    + "edm.delivery.in-flight-group, edm.delivery.lane-connections, edm.delivery.first-batch-size "
                    + "and edm.delivery.batch-target must be positive");
        }
    }
}
