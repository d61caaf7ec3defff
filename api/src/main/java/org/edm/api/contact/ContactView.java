package org.edm.api.contact;

import jakarta.annotation.Nullable;
import org.edm.domain.contact.Contact;

import java.time.Instant;
import java.util.List;

record ContactView(long id, String email, @Nullable String nickname, List<String> tags, Instant createdAt,
                   Instant updatedAt) {

    static ContactView of(Contact c) {
        return new ContactView(c.getId(), c.getEmail(), c.getNickname(), List.copyOf(c.getTags()), c.getCreatedAt(),
                c.getUpdatedAt());
    }
}
