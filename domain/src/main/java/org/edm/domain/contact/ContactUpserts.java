package org.edm.domain.contact;

import java.util.List;

public interface ContactUpserts {

    /**
     * Inserts or updates contacts of one owner, matching addresses case-insensitively (unique on
     * {@code (owner_id, lower(email))}): an existing contact keeps its id, takes the new nickname when one is given
     * and gains the new tags (tags are added, never removed, so importing a list tagged "webinar" does not erase
     * "customer"). Rows must be validated and free of repeated addresses (ignoring case): one statement cannot
     * update a row twice.
     *
     * @return how many contacts were created (the rest were updated)
     */
    int upsertAll(long ownerId, List<ContactImport> rows);
}
