package org.edm.api.template;

import jakarta.annotation.Nullable;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.ConflictException;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The variables templates may use (seed 003 §1.11): the built-in ones every message has, plus the rows of
 * {@code email_variables} that admins define ({@code /v1/settings/variables}). A template naming anything else is
 * rejected when saved, so a typo never reaches a recipient as an empty string.
 */
@Service
class EmailVariables {

    /** Filled in by the send path for every message (see MessageRenderer). */
    static final Set<String> BUILT_IN = Set.of("nickname", "email", "unsubscribe_url", "campaign_name", "task_name",
            "send_date");

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final ObjectMapper json;

    EmailVariables(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser, ObjectMapper json) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
        this.json = json;
    }

    /** Every name a template may use, sorted. */
    Set<String> known() {
        Set<String> names = new TreeSet<>(BUILT_IN);
        names.addAll(jdbc.queryForList("SELECT variable_key FROM email_variables", Map.of(), String.class));
        return names;
    }

    @Transactional(readOnly = true)
    List<VariableView> list() {
        return jdbc.query(SELECT + " ORDER BY id", Map.of(), this::row);
    }

    @Transactional(readOnly = true)
    VariableView get(long id) {
        return find(id);
    }

    @Transactional
    VariableView create(VariableRequest request) {
        // variables are system-wide (one key space for every user's templates): only admins define them
        currentUser.requireAdmin();
        checkKey(request.variableKey(), null);
        Long id = jdbc.queryForObject("""
                INSERT INTO email_variables (variable_key, display_name, source_type, source_details, description,
                                             created_by)
                VALUES (:key, :name, :type, CAST(:details AS jsonb), :description, :by) RETURNING id
                """, params(request).addValue("by", currentUser.id()), Long.class);
        VariableView view = find(id);
        return view;
    }

    @Transactional
    VariableView update(long id, VariableRequest request) {
        currentUser.requireAdmin();
        VariableView before = find(id);
        checkKey(request.variableKey(), id);
        if (!before.variableKey().equals(request.variableKey())) {
            checkUnused(before.variableKey(), "renamed");
        }
        jdbc.update("""
                UPDATE email_variables SET variable_key = :key, display_name = :name, source_type = :type,
                       source_details = CAST(:details AS jsonb), description = :description, updated_at = now()
                 WHERE id = :id
                """, params(request).addValue("id", id));
        VariableView after = find(id);
        return after;
    }

    @Transactional
    void delete(long id) {
        currentUser.requireAdmin();
        VariableView before = find(id);
        checkUnused(before.variableKey(), "deleted");
        jdbc.update("DELETE FROM email_variables WHERE id = :id", Map.of("id", id));
    }

    private void checkKey(String key, Long self) {
        if (BUILT_IN.contains(key)) {
            throw new InvalidInputException("variable_key", "'" + key + "' is a built-in variable");
        }
        Integer clash = jdbc.queryForObject("SELECT count(*) FROM email_variables WHERE variable_key = :key "
                + "AND id <> :self", Map.of("key", key, "self", self == null ? -1L : self), Integer.class);
        if (clash != null && clash > 0) {
            throw new ConflictException("variable '" + key + "' already exists");
        }
    }

    /** A variable some template uses cannot go away: that template would no longer save or render. */
    private void checkUnused(String key, String what) {
        // the key is [A-Za-z_][A-Za-z0-9_]*, so it is safe inside the pattern
        String pattern = "\\{\\{\\{?[#^/&]?\\s*" + key + "\\s*\\}";
        List<String> users = jdbc.queryForList("""
                SELECT name FROM templates WHERE subject ~ :pattern OR body_html ~ :pattern ORDER BY id LIMIT 5
                """, Map.of("pattern", pattern), String.class);
        if (!users.isEmpty()) {
            throw new ConflictException("variable '" + key + "' is used by template(s) " + users
                    + " and cannot be " + what);
        }
    }

    private VariableView find(long id) {
        List<VariableView> found = jdbc.query(SELECT + " WHERE id = :id", Map.of("id", id), this::row);
        if (found.isEmpty()) {
            throw NotFoundException.of("variable", id);
        }
        return found.get(0);
    }

    private static final String SELECT = """
            SELECT id, variable_key, display_name, source_type, source_details::text AS details, description,
                   created_at, updated_at FROM email_variables""";

    private VariableView row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        Map<String, Object> details;
        try {
            String text = rs.getString("details");
            details = text == null ? null : json.readValue(text, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new VariableView(rs.getLong("id"), rs.getString("variable_key"), rs.getString("display_name"),
                VariableRequest.SourceType.valueOf(rs.getString("source_type")), details, rs.getString("description"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private MapSqlParameterSource params(VariableRequest request) {
        try {
            return new MapSqlParameterSource()
                    .addValue("key", request.variableKey())
                    .addValue("name", request.displayName().trim())
                    .addValue("type", request.sourceType().name())
                    .addValue("details", request.sourceDetails() == null ? null
                            : json.writeValueAsString(request.sourceDetails()))
                    .addValue("description", request.description());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    record VariableView(long id, String variableKey, @Nullable String displayName,
                        VariableRequest.SourceType sourceType,
                        @Nullable Map<String, Object> sourceDetails, @Nullable String description, Instant createdAt,
                        Instant updatedAt) {
    }
}
