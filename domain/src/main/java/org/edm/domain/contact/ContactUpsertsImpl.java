package org.edm.domain.contact;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/** Spring Data fragment of {@link ContactRepository}: a set-friendly upsert that JPA cannot express. */
class ContactUpsertsImpl implements ContactUpserts {

    // xmax = 0 only for a freshly inserted row: tells inserts from updates in one round trip
    private static final String UPSERT = """
            INSERT INTO contacts (owner_id, email, nickname, tags)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (owner_id, lower(email)) DO UPDATE
               SET nickname   = COALESCE(EXCLUDED.nickname, contacts.nickname),
                   tags       = ARRAY(SELECT DISTINCT t FROM unnest(contacts.tags || EXCLUDED.tags) AS t ORDER BY t),
                   updated_at = now()
            RETURNING (xmax = 0) AS inserted
            """;

    private final JdbcTemplate jdbc;

    ContactUpsertsImpl(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public int upsertAll(long ownerId, List<ContactImport> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        return jdbc.execute((java.sql.Connection con) -> {
            int created = 0;
            try (PreparedStatement ps = con.prepareStatement(UPSERT)) {
                for (ContactImport row : rows) {
                    Array tags = con.createArrayOf("text", row.tags().toArray());
                    ps.setLong(1, ownerId);
                    ps.setString(2, row.email());
                    ps.setString(3, row.nickname());
                    ps.setArray(4, tags);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            created++;
                        }
                    }
                    tags.free();
                }
            }
            return created;
        });
    }
}
