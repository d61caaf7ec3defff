package org.edm.domain.contact;

import java.util.List;

/** One already-validated row of a contact import: the address, an optional nickname and tags to add. */
public record ContactImport(String email, String nickname, List<String> tags) {
}
