package org.edm.api.template;

import org.edm.api.security.CurrentUser;
import org.edm.api.support.ConflictException;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.domain.template.Template;
import org.edm.domain.template.TemplateRepository;
import org.edm.domain.template.TemplateSet;
import org.edm.domain.template.TemplateSetRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** An operator's templates and template sets; every read and write is scoped to the current user (INV-5). */
@Service
class TemplateLibrary {

    private final TemplateRepository templates;
    private final TemplateSetRepository sets;
    private final CurrentUser currentUser;
    private final EmailVariables variables;
    private final TemplateLimits limits;

    TemplateLibrary(TemplateRepository templates, TemplateSetRepository sets, CurrentUser currentUser,
                    EmailVariables variables, TemplateLimits limits) {
        this.variables = variables;
        this.limits = limits;
        this.templates = templates;
        this.sets = sets;
        this.currentUser = currentUser;
    }

    // ---- templates

    @Transactional(readOnly = true)
    List<TemplateView> listTemplates() {
        return templates.findAllByOwnerIdOrderByIdAsc(currentUser.id()).stream().map(TemplateView::of).toList();
    }

    @Transactional(readOnly = true)
    TemplateView getTemplate(long id) {
        return TemplateView.of(findTemplate(id));
    }

    @Transactional
    TemplateView createTemplate(TemplateRequest request) {
        checkSyntax(request);
        Template template = new Template(currentUser.id());
        apply(request, template);
        templates.saveAndFlush(template);
        TemplateView view = TemplateView.of(template);
        return view;
    }

    @Transactional
    TemplateView updateTemplate(long id, TemplateRequest request) {
        Template template = findTemplate(id);
        checkSyntax(request);
        apply(request, template);
        templates.saveAndFlush(template);
        TemplateView after = TemplateView.of(template);
        return after;
    }

    @Transactional
    void deleteTemplate(long id) {
        Template template = findTemplate(id);
        List<String> usedBy = templates.templateSetNamesUsing(id);
        if (!usedBy.isEmpty()) {
            throw new ConflictException("template " + id + " is used by template set(s) " + usedBy
                    + "; remove it from them first");
        }
        if (templates.hasDeliveries(id)) {
            throw new ConflictException("template " + id + " has been sent and the delivery history refers to it; "
                    + "it cannot be deleted");
        }
        templates.delete(template);
        templates.flush();
    }

    private boolean tooLarge(String field, String text, List<FieldProblem> problems) {
        int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes <= limits.maxBodyBytes()) {
            return false;
        }
        problems.add(new FieldProblem(field, "is " + bytes + " bytes (UTF-8); at most " + limits.maxBodyBytes()
                + " bytes"));
        return true;
    }

    private Template findTemplate(long id) {
        return templates.findByIdAndOwnerId(id, currentUser.id())
                .orElseThrow(() -> NotFoundException.of("template", id));
    }

    /**
     * Size and nesting ({@link TemplateLimits}), syntax, then names: every variable must be built in or defined in
     * {@code /v1/settings/variables}, and the body must place {@code {{unsubscribe_url}}} (seed 000 §10.4: every
     * marketing e-mail carries an unsubscribe link).
     */
    private void checkSyntax(TemplateRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        java.util.Set<String> known = variables.known();
        if (tooLarge("subject", request.subject(), problems) | tooLarge("body_html", request.bodyHtml(), problems)) {
            throw new InvalidInputException(problems);
        }
        try {
            unknown("subject", TemplateVariables.parse(request.subject(), limits.maxNestingDepth()), known,
                    problems);
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("subject", e.getMessage()));
        }
        try {
            java.util.Set<String> used = TemplateVariables.parse(request.bodyHtml(), limits.maxNestingDepth());
            unknown("body_html", used, known, problems);
            if (!used.contains("unsubscribe_url")) {
                problems.add(new FieldProblem("body_html", "must contain {{unsubscribe_url}}: every marketing "
                        + "e-mail carries an unsubscribe link"));
            }
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("body_html", e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }

    private static void unknown(String field, java.util.Set<String> used, java.util.Set<String> known,
                                List<FieldProblem> problems) {
        for (String name : used) {
            if (!known.contains(name)) {
                problems.add(new FieldProblem(field, "unknown variable '" + name + "'; known: "
                        + String.join(", ", known) + " (define more in /v1/settings/variables)"));
            }
        }
    }

    private static void apply(TemplateRequest request, Template template) {
        template.setName(request.name().trim());
        template.setSubject(request.subject());
        template.setBodyHtml(request.bodyHtml());
    }

    // ---- template sets

    @Transactional(readOnly = true)
    List<TemplateSetView> listSets() {
        List<TemplateSet> all = sets.findAllByOwnerIdOrderByIdAsc(currentUser.id());
        Map<Long, Template> byId = templatesById(all.stream().flatMap(s -> s.getTemplateIds().stream()).toList());
        return all.stream().map(s -> TemplateSetView.of(s, byId)).toList();
    }

    @Transactional(readOnly = true)
    TemplateSetView getSet(long id) {
        return view(findSet(id));
    }

    @Transactional
    TemplateSetView createSet(TemplateSetRequest request) {
        checkTemplates(request.templateIds());
        TemplateSet set = new TemplateSet(currentUser.id());
        set.setName(request.name().trim());
        set.replaceTemplates(request.templateIds());
        sets.saveAndFlush(set);
        TemplateSetView view = view(set);
        return view;
    }

    @Transactional
    TemplateSetView updateSet(long id, TemplateSetRequest request) {
        TemplateSet set = findSet(id);
        checkTemplates(request.templateIds());
        set.setName(request.name().trim());
        set.replaceTemplates(request.templateIds());
        sets.saveAndFlush(set);
        TemplateSetView after = view(set);
        return after;
    }

    @Transactional
    void deleteSet(long id) {
        TemplateSet set = findSet(id);
        List<Long> usedBy = sets.taskIdsUsing(id);
        if (!usedBy.isEmpty()) {
            throw new ConflictException("template set " + id + " is used by task(s) " + usedBy
                    + "; change or delete those tasks first");
        }
        sets.delete(set);
        sets.flush();
    }

    private TemplateSet findSet(long id) {
        return sets.findByIdAndOwnerId(id, currentUser.id())
                .orElseThrow(() -> NotFoundException.of("template set", id));
    }

    private TemplateSetView view(TemplateSet set) {
        return TemplateSetView.of(set, templatesById(set.getTemplateIds()));
    }

    /** Each id once, and each one a template of the current user. */
    private void checkTemplates(List<Long> ids) {
        Set<Long> seen = new HashSet<>();
        List<Long> repeated = ids.stream().filter(id -> !seen.add(id)).distinct().toList();
        if (!repeated.isEmpty()) {
            throw new InvalidInputException("template_ids", "lists template(s) " + repeated + " more than once");
        }
        Set<Long> found = templatesById(ids).keySet();
        List<Long> unknown = ids.stream().filter(id -> !found.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new NotFoundException("template(s) " + unknown + " not found", "template_ids");
        }
    }

    private Map<Long, Template> templatesById(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return templates.findAllByOwnerIdAndIdIn(currentUser.id(), ids).stream()
                .collect(Collectors.toMap(Template::getId, Function.identity()));
    }
}
