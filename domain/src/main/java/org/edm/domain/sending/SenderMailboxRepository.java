package org.edm.domain.sending;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.Optional;

public interface SenderMailboxRepository extends JpaRepository<SenderMailbox, Long> {

    /** Owner-scoped (INV-5): another user's mailbox is simply not found. */
    Optional<SenderMailbox> findByIdAndOwnerId(long id, long ownerId);

    List<SenderMailbox> findAllByOwnerIdOrderByIdAsc(long ownerId);

    List<SenderMailbox> findAllByDomainIdOrderByIdAsc(long domainId);

    boolean existsByDomainId(long domainId);

    boolean existsByAddressIgnoreCase(String address);
}
