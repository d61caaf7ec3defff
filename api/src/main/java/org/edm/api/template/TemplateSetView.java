package org.edm.api.template;

import org.edm.domain.template.Template;
import org.edm.domain.template.TemplateSet;

import java.time.Instant;
import java.util.List;
import java.util.Map;

record TemplateSetView(long id, String name, List<Long> templateIds, List<TemplateRef> templates,
                       Instant createdAt, Instant updatedAt) {

    record TemplateRef(long id, String name, String subject) {
    }

    static TemplateSetView of(TemplateSet set, Map<Long, Template> templatesById) {
        List<Long> ids = set.getTemplateIds();
        List<TemplateRef> refs = ids.stream().map(templatesById::get).filter(java.util.Objects::nonNull)
                .map(t -> new TemplateRef(t.getId(), t.getName(), t.getSubject())).toList();
        return new TemplateSetView(set.getId(), set.getName(), ids, refs, set.getCreatedAt(), set.getUpdatedAt());
    }
}
