package org.edm.api.template;

import org.edm.domain.template.Template;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/** A template with the variables it uses (from subject and body), so a UI can show what a contact must supply. */
record TemplateView(long id, String name, String subject, String bodyHtml, Set<String> variables,
                    Instant createdAt, Instant updatedAt) {

    static TemplateView of(Template t) {
        Set<String> variables = new TreeSet<>(TemplateVariables.parse(t.getSubject()));
        variables.addAll(TemplateVariables.parse(t.getBodyHtml()));
        return new TemplateView(t.getId(), t.getName(), t.getSubject(), t.getBodyHtml(), variables,
                t.getCreatedAt(), t.getUpdatedAt());
    }
}
