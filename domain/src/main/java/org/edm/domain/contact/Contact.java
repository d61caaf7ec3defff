package org.edm.domain.contact;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recipient in one owner's address book. Written by {@link ContactRepository#upsertAll} (import), so this
 * entity is a read model: nothing is persisted through it.
 */
@Entity
@Table(name = "contacts")
public class Contact {

    @Id
    private Long id;

    @Column(name = "owner_id", nullable = false, insertable = false, updatable = false)
    private long ownerId;

    @Column(nullable = false, insertable = false, updatable = false)
    private String email;

    @Column(insertable = false, updatable = false)
    private String nickname;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, insertable = false, updatable = false, columnDefinition = "text[]")
    private List<String> tags = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, insertable = false, updatable = false)
    private Map<String, Object> attributes = new HashMap<>();

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    private Instant updatedAt;

    protected Contact() {
    }

    public Long getId() {
        return id;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public String getEmail() {
        return email;
    }

    public String getNickname() {
        return nickname;
    }

    public List<String> getTags() {
        return tags;
    }

    public Map<String, Object> getAttributes() {
        return attributes;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
