package org.edm.domain.task;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

public interface TaskRepository extends JpaRepository<Task, Long> {

    Optional<Task> findByIdAndOwnerId(long id, long ownerId);

    List<Task> findAllByCampaignIdOrderBySeqAsc(long campaignId);

    List<Task> findAllByCampaignIdInOrderByCampaignIdAscSeqAsc(Collection<Long> campaignIds);

    List<Task> findAllByOwnerIdOrderByIdAsc(long ownerId);

    List<Task> findAllByOwnerIdAndCampaignIdOrderBySeqAsc(long ownerId, long campaignId);

    /**
     * Deliveries per task and status for many tasks in one GROUP BY. It reads the tasks' rows through the
     * (task_id, contact_id) index: an index with status in it would make every send outcome a non-HOT update (V150).
     */
    @Query(value = """
            select d.task_id as taskId, d.status as status, count(*) as count
              from deliveries d
             where d.task_id in (:taskIds)
             group by d.task_id, d.status
            """, nativeQuery = true)
    List<DeliveryStatusCount> countDeliveriesByStatus(@Param("taskIds") Collection<Long> taskIds);
}
