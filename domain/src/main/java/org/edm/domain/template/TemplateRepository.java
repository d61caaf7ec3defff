package org.edm.domain.template;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

public interface TemplateRepository extends JpaRepository<Template, Long> {

    Optional<Template> findByIdAndOwnerId(long id, long ownerId);

    List<Template> findAllByOwnerIdOrderByIdAsc(long ownerId);

    List<Template> findAllByOwnerIdAndIdIn(long ownerId, Collection<Long> ids);

    /** Names of the template sets that use the template (it cannot be deleted while any does). */
    @Query("select s.name from TemplateSet s join s.items i where i.templateId = :templateId order by s.id")
    List<String> templateSetNamesUsing(@Param("templateId") long templateId);

    @Query(value = "select exists (select 1 from deliveries where template_id = :templateId)", nativeQuery = true)
    boolean hasDeliveries(@Param("templateId") long templateId);
}
