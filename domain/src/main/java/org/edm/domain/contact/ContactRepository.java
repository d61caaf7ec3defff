package org.edm.domain.contact;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ContactRepository extends JpaRepository<Contact, Long>, ContactUpserts {

    Page<Contact> findAllByOwnerId(long ownerId, Pageable pageable);

    /** Contacts carrying {@code tag}; {@code tags @> ARRAY[tag]} so the GIN index on tags is used. */
    @Query(value = "select * from contacts c where c.owner_id = :ownerId and c.tags @> array[cast(:tag as text)]",
            countQuery = "select count(*) from contacts c where c.owner_id = :ownerId and c.tags @> array[cast(:tag as text)]",
            nativeQuery = true)
    Page<Contact> findAllByOwnerIdAndTag(@Param("ownerId") long ownerId, @Param("tag") String tag, Pageable pageable);

    long countByOwnerId(long ownerId);
}
