package org.edm.domain.sender;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.Collection;
import java.util.List;

public interface UserSenderServiceAccessRepository extends JpaRepository<UserSenderServiceAccess, Long> {

    List<UserSenderServiceAccess> findAllByUserIdOrderBySenderServiceIdAsc(long userId);

    boolean existsByUserIdAndSenderServiceId(long userId, long senderServiceId);

    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("delete from UserSenderServiceAccess a where a.userId = :userId and a.senderServiceId not in :keep")
    int deleteAllByUserIdExcept(@Param("userId") long userId, @Param("keep") Collection<Long> keep);

    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("delete from UserSenderServiceAccess a where a.userId = :userId")
    int deleteAllByUserId(@Param("userId") long userId);
}
