package org.edm.domain.campaign;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

public interface CampaignRepository extends JpaRepository<Campaign, Long> {

    Optional<Campaign> findByIdAndOwnerId(long id, long ownerId);

    List<Campaign> findAllByOwnerIdOrderByIdDesc(long ownerId);

    Optional<Campaign> findByOwnerIdAndPublicId(long ownerId, String publicId);

    boolean existsByOwnerIdAndPublicId(long ownerId, String publicId);

    /** The campaign row locked for an edit, so an edit and an activation cannot interleave. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from Campaign c where c.id = :id and c.ownerId = :ownerId")
    Optional<Campaign> lockByIdAndOwnerId(@Param("id") long id, @Param("ownerId") long ownerId);

    /** {@code DRAFT → ACTIVE}; 0 when the campaign was not a draft any more. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update Campaign c set c.status = org.edm.domain.campaign.CampaignStatus.ACTIVE, c.activatedAt = :at,"
            + " c.updatedAt = :at where c.id = :id and c.status = org.edm.domain.campaign.CampaignStatus.DRAFT")
    int activate(@Param("id") long id, @Param("at") Instant at);

    /** Ends a running campaign whose workflow no longer exists. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update Campaign c set c.status = org.edm.domain.campaign.CampaignStatus.CANCELLED, c.completedAt = :at,"
            + " c.updatedAt = :at where c.id = :id and c.status in :from")
    int markCancelled(@Param("id") long id, @Param("from") Collection<CampaignStatus> from, @Param("at") Instant at);
}
