package org.edm.domain.template;

import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.List;
import java.util.Optional;

public interface TemplateSetRepository extends JpaRepository<TemplateSet, Long> {

    @EntityGraph(attributePaths = "items")
    Optional<TemplateSet> findByIdAndOwnerId(long id, long ownerId);

    @EntityGraph(attributePaths = "items")
    List<TemplateSet> findAllByOwnerIdOrderByIdAsc(long ownerId);

    boolean existsByIdAndOwnerId(long id, long ownerId);

    /** Ids of the tasks that send with the set (it cannot be deleted while any does). */
    @Query(value = "select id from tasks where template_set_id = :setId order by id", nativeQuery = true)
    List<Long> taskIdsUsing(@Param("setId") long setId);
}
