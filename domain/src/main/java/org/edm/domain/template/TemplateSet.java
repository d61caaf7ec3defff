package org.edm.domain.template;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edm.domain.Timestamped;

/**
 * A template set (模板组): each delivery of a task gets one of its templates, drawn uniformly at random when the
 * audience is materialised.
 */
@Entity
@Table(name = "template_sets")
public class TemplateSet extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(nullable = false)
    private String name;

    @OneToMany(mappedBy = "templateSet", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("position ASC")
    private List<TemplateSetItem> items = new ArrayList<>();

    protected TemplateSet() {
    }

    public TemplateSet(long ownerId) {
        this.ownerId = ownerId;
    }

    /**
     * Makes the set hold exactly {@code templateIds}, in that order. Items that stay are kept (re-numbered), so no
     * row is deleted and re-inserted: Hibernate flushes inserts before deletes, which would trip the
     * (template_set_id, template_id) unique key.
     */
    public void replaceTemplates(List<Long> templateIds) {
        Map<Long, TemplateSetItem> existing = new LinkedHashMap<>();
        for (TemplateSetItem item : items) {
            existing.put(item.getTemplateId(), item);
        }
        for (Iterator<TemplateSetItem> it = items.iterator(); it.hasNext(); ) {
            if (!templateIds.contains(it.next().getTemplateId())) {
                it.remove();
            }
        }
        List<TemplateSetItem> ordered = new ArrayList<>();
        for (int position = 0; position < templateIds.size(); position++) {
            Long templateId = templateIds.get(position);
            TemplateSetItem item = existing.get(templateId);
            if (item == null) {
                item = new TemplateSetItem(this, templateId);
                items.add(item);
            }
            item.setPosition(position);
            ordered.add(item);
        }
        items.sort(java.util.Comparator.comparingInt(ordered::indexOf));
    }

    public List<Long> getTemplateIds() {
        return items.stream().map(TemplateSetItem::getTemplateId).toList();
    }

    public Long getId() {
        return id;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<TemplateSetItem> getItems() {
        return items;
    }
}
