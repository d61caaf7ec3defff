package org.edm.domain.sender;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.Collection;
import java.util.List;

public interface SenderServiceRepository extends JpaRepository<SenderService, Long> {

    List<SenderService> findAllByOrderByIdAsc();

    List<SenderService> findAllByIdInOrderByIdAsc(Collection<Long> ids);

    /** Whether any delivery was ever sent through the service (then it can only be disabled, not deleted). */
    @Query(value = "select exists (select 1 from deliveries where sender_service_id = :id)", nativeQuery = true)
    boolean hasDeliveries(@Param("id") long id);
}
