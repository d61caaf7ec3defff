package org.edm.domain.contact;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/**
 * Spring Data fragment of {@link ContactRepository}: a set-based upsert that JPA cannot express. Rows travel as
 * three parallel arrays and are inserted by one statement per chunk, so a 10,000-row import is ten round trips,
 * not ten thousand.
 */
class ContactUpsertsImpl implements ContactUpserts {

    private static final int CHUNK = 1_000;

    // tags travel as JSON text (SQL arrays cannot be ragged); xmax = 0 only for a freshly inserted row
    private static final String UPSERT = """
            INSERT INTO contacts (owner_id, email, nickname, tags)
            SELECT ?, r.email, r.nickname, ARRAY(SELECT jsonb_array_elements_text(r.tags::jsonb))
              FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS r(email, nickname, tags, n)
             ORDER BY r.n
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
        int created = 0;
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<ContactImport> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            created += jdbc.execute((Connection con) -> upsertChunk(con, ownerId, chunk));
        }
        return created;
    }

    private static int upsertChunk(Connection con, long ownerId, List<ContactImport> chunk) throws java.sql.SQLException {
        Array emails = con.createArrayOf("text", chunk.stream().map(ContactImport::email).toArray());
        Array nicknames = con.createArrayOf("text", chunk.stream().map(ContactImport::nickname).toArray());
        Array tags = con.createArrayOf("text", chunk.stream().map(c -> jsonArray(c.tags())).toArray());
        int created = 0;
        try (PreparedStatement ps = con.prepareStatement(UPSERT)) {
            ps.setLong(1, ownerId);
            ps.setArray(2, emails);
            ps.setArray(3, nicknames);
            ps.setArray(4, tags);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(1)) {
                        created++;
                    }
                }
            }
        } finally {
            emails.free();
            nicknames.free();
            tags.free();
        }
        return created;
    }

    private static String jsonArray(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"');
            for (char ch : v.toCharArray()) {
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    default -> {
                        if (ch < 0x20) {
                            sb.append(String.format("\\u%04x", (int) ch));
                        } else {
                            sb.append(ch);
                        }
                    }
                }
            }
            sb.append('"');
        }
        return sb.append(']').toString();
    }
}
