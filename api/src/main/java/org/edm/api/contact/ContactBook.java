package org.edm.api.contact;

import org.edm.api.security.CurrentUser;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.PageView;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.RecipientRule;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The address book as the console works with it, always the signed-in user's own contacts (INV-5): search by
 * address or nickname and tag, one contact, its tags and nickname edited, the tags in use with their counts, and
 * how many contacts a recipient rule selects now (the planned audience, counted by {@link TaskQuota}, the same SQL
 * the quota check and the audience resolver use).
 */
@Service
class ContactBook {

    private static final int MAX_TAGS_LISTED = 1000;

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final TaskQuota taskQuota;

    ContactBook(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser, TaskQuota taskQuota) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
        this.taskQuota = taskQuota;
    }

    record TagCount(String tag, long contacts) {
    }

    record AudienceCount(long plannedAudience, boolean labelsIgnored) {
    }

    private static final RowMapper<ContactView> VIEW = (rs, n) -> {
        Array tags = rs.getArray("tags");
        return new ContactView(rs.getLong("id"), rs.getString("email"), rs.getString("nickname"),
                List.of((String[]) tags.getArray()), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    };

    /** The list filtered by a tag and/or a text found in the address or nickname (case-insensitive), by id. */
    @Transactional(readOnly = true)
    PageView<ContactView> search(String tag, String text, int page, int size) {
        StringBuilder where = new StringBuilder(" WHERE c.owner_id = :owner");
        MapSqlParameterSource params = new MapSqlParameterSource("owner", currentUser.id());
        if (tag != null && !tag.isBlank()) {
            // tags @> ARRAY[tag] so the GIN index on tags is used
            where.append(" AND c.tags @> ARRAY[CAST(:tag AS text)]");
            params.addValue("tag", tag.trim());
        }
        if (text != null && !text.isBlank()) {
            where.append(" AND (c.email ILIKE :text ESCAPE '\\' OR c.nickname ILIKE :text ESCAPE '\\')");
            params.addValue("text", "%" + text.trim().replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%");
        }
        Long total = jdbc.queryForObject("SELECT count(*) FROM contacts c" + where, params, Long.class);
        params.addValue("limit", size).addValue("offset", (long) page * size);
        List<ContactView> items = jdbc.query("SELECT c.id, c.email, c.nickname, c.tags, c.created_at, c.updated_at "
                + "FROM contacts c" + where + " ORDER BY c.id LIMIT :limit OFFSET :offset", params, VIEW);
        long totalItems = total == null ? 0 : total;
        return new PageView<>(items, page, size, totalItems, (int) ((totalItems + size - 1) / size));
    }

    @Transactional(readOnly = true)
    ContactView get(long id) {
        List<ContactView> found = jdbc.query("SELECT id, email, nickname, tags, created_at, updated_at FROM contacts "
                + "WHERE id = :id AND owner_id = :owner", Map.of("id", id, "owner", currentUser.id()), VIEW);
        if (found.isEmpty()) {
            throw new NotFoundException("contact " + id + " not found");
        }
        return found.get(0);
    }

    /**
     * Replaces the nickname and the whole tag list (the import only ever adds tags; this is how one is removed).
     * Tags follow the import's rules: at most 50, each 1..100 characters once trimmed; kept sorted and distinct.
     */
    @Transactional
    ContactView update(long id, String nickname, List<String> tags) {
        List<String> clean = cleanTags(tags);
        int changed = jdbc.update("UPDATE contacts SET nickname = :nickname, tags = CAST(:tags AS text[]), "
                        + "updated_at = now() WHERE id = :id AND owner_id = :owner",
                new MapSqlParameterSource().addValue("nickname", nickname == null || nickname.isBlank()
                                ? null : nickname.trim())
                        .addValue("tags", toArrayLiteral(clean))
                        .addValue("id", id).addValue("owner", currentUser.id()));
        if (changed == 0) {
            throw new NotFoundException("contact " + id + " not found");
        }
        return get(id);
    }

    /** Every tag the user's contacts carry, with how many carry it, alphabetically (at most 1,000). */
    @Transactional(readOnly = true)
    List<TagCount> tags() {
        return jdbc.query("SELECT t AS tag, count(*) AS contacts FROM contacts c, unnest(c.tags) AS t "
                        + "WHERE c.owner_id = :owner GROUP BY t ORDER BY t LIMIT " + MAX_TAGS_LISTED,
                Map.of("owner", currentUser.id()), (rs, n) -> new TagCount(rs.getString("tag"), rs.getLong("contacts")));
    }

    /**
     * The planned audience of a rule: what a task with it would reserve. System-label conditions are left out (the
     * labels exist only once earlier stages have sent), which {@code labels_ignored} says.
     */
    @Transactional(readOnly = true)
    AudienceCount countAudience(List<String> includeTags, String match, List<String> excludeTags,
                                List<String> includeLabels, List<String> excludeLabels) {
        List<FieldProblem> problems = new ArrayList<>();
        List<String> include = tagList("include_tags", includeTags, problems);
        if (include.isEmpty()) {
            problems.add(new FieldProblem("include_tags", "must list 1 to 50 tags"));
        }
        List<String> exclude = tagList("exclude_tags", excludeTags, problems);
        if (match != null && !match.equals("ANY") && !match.equals("ALL")) {
            problems.add(new FieldProblem("match", "must be ANY or ALL"));
        }
        List<String> labels = new ArrayList<>();
        checkLabels("include_labels", includeLabels, labels, problems);
        checkLabels("exclude_labels", excludeLabels, labels, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("include_tags", include);
        rule.put("match", match == null ? "ANY" : match);
        rule.put("exclude_tags", exclude);
        return new AudienceCount(taskQuota.plannedAudience(currentUser.id(), 0, rule), !labels.isEmpty());
    }

    private static List<String> tagList(String field, List<String> tags, List<FieldProblem> problems) {
        if (tags == null) {
            return List.of();
        }
        if (tags.size() > ContactImporter.MAX_TAGS) {
            problems.add(new FieldProblem(field, "at most " + ContactImporter.MAX_TAGS + " tags"));
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i) == null ? "" : tags.get(i).trim();
            if (tag.isEmpty() || tag.length() > ContactImporter.MAX_TAG_LENGTH) {
                problems.add(new FieldProblem(field + "[" + i + "]",
                        "must be 1 to " + ContactImporter.MAX_TAG_LENGTH + " characters"));
            } else {
                result.add(tag);
            }
        }
        return result;
    }

    private static void checkLabels(String field, List<String> given, List<String> into, List<FieldProblem> problems) {
        if (given == null) {
            return;
        }
        for (int i = 0; i < given.size(); i++) {
            try {
                into.add(RecipientRule.SystemLabel.of(given.get(i)).label());
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem(field + "[" + i + "]", e.getMessage()));
            }
        }
    }

    private static List<String> cleanTags(List<String> tags) {
        List<FieldProblem> problems = new ArrayList<>();
        List<String> clean = tagList("tags", tags, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(new TreeSet<>(clean));
    }

    /** A PostgreSQL text[] literal; every element quoted, so commas, braces and quotes in tags stay inside. */
    private static String toArrayLiteral(List<String> values) {
        return "{" + String.join(",", values.stream()
                .map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList()) + "}";
    }
}
