package org.edm.domain.sending;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.List;
import java.util.Optional;

public interface SendingDomainRepository extends JpaRepository<SendingDomain, Long> {

    /** Owner-scoped (INV-5): another user's domain is simply not found. */
    Optional<SendingDomain> findByIdAndOwnerId(long id, long ownerId);

    List<SendingDomain> findAllByOwnerIdOrderByIdAsc(long ownerId);

    boolean existsByOwnerIdAndNameIgnoreCase(long ownerId, String name);

    /** {@code POST /v1/domains/{id}/verify} on a domain that gave up: checking starts over (72 h again). */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query(value = "update sending_domains set status = 'PENDING', updated_at = now() where id = :id and status = 'EXPIRED'",
            nativeQuery = true)
    int reopenExpired(@Param("id") long id);
}
