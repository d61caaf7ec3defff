package org.edm.domain.sender;

import org.edm.domain.task.SendBatches;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;

public interface SenderServiceRepository extends JpaRepository<SenderService, Long> {

    List<SenderService> findAllByOrderByIdAsc();

    List<SenderService> findAllByIdInOrderByIdAsc(Collection<Long> ids);

    /** Whether any delivery was ever sent through the service (then it can only be disabled, not deleted). */
    @Query(value = "select exists (select 1 from deliveries where sender_service_id = :id)", nativeQuery = true)
    boolean hasDeliveries(@Param("id") long id);

    /** An admin's manual unfreeze: the failure streak starts over. Returns 0 when the service was not frozen. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query(value = """
            update sender_services
               set health_status = 'ACTIVE', frozen_reason = null, frozen_at = null, consecutive_failures = 0,
                   failure_streak_started_at = null, updated_at = now()
             where id = :id and health_status = 'FROZEN'
            """, nativeQuery = true)
    int unfreeze(@Param("id") long id);

    /**
     * Sets what is left of today's quota by hand: {@code used_today = daily_quota - remaining} on the quota day
     * {@code day}, so used_today can never exceed daily_quota (INV-1). The send path's claims lock the same row, so
     * this never interleaves with a claim. Returns 0 when {@code remaining} is above the daily quota.
     */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query(value = """
            update sender_services
               set used_today = daily_quota - :remaining,
                   quota_day = greatest(coalesce(quota_day, cast(:day as date)), cast(:day as date))
             where id = :id and :remaining between 0 and daily_quota
            """, nativeQuery = true)
    int setRemainingToday(@Param("id") long id, @Param("remaining") int remaining, @Param("day") LocalDate day);

    /**
     * Deliveries this service sent since {@code since} (the start of its quota day), read through its send batches
     * (no index of deliveries holds the outcome, and a SENT delivery has no send event: see SendBatches).
     */
    @Query(value = "select " + SendBatches.SENT_SINCE, nativeQuery = true)
    long countSentSince(@Param("service") long id, @Param("since") Instant since);
}
