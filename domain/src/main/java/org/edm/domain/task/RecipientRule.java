package org.edm.domain.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which of the owner's contacts a task targets, as stored in {@code tasks.recipient_rule}:
 * {@code {"include_tags": [...], "match": "ANY"|"ALL", "exclude_tags": [...], "include_labels": [...],
 * "exclude_labels": [...]}}. No include tags means every contact of the owner; a contact must carry at least one of
 * {@code include_labels} (if any) in this task's campaign; exclusion always wins.
 *
 * <p>Shared by the audience resolver (activities) and the planned-audience count the quota reservation uses (api), so
 * both select with the same SQL: {@link #audienceJoins()} after {@code FROM contacts c}, then
 * {@code WHERE c.owner_id = :ownerId} and {@link #sqlConditions()}.
 */
public record RecipientRule(List<String> includeTags, boolean matchAll, List<String> excludeTags,
                            List<SystemLabel> includeLabels, List<SystemLabel> excludeLabels) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The joins the conditions read, after {@code FROM contacts c}: the owner's suppression of the address
     * ({@code s}, null when not suppressed) and the contact's engagement labels in the task's campaign ({@code l}).
     * Binds {@code :campaignId}. {@link #audienceJoins()} adds the "sent in this campaign" fact when a condition
     * reads it.
     */
    public static final String AUDIENCE_JOINS = """
             LEFT JOIN suppressions s
                    ON s.owner_id = c.owner_id AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8'))
             LEFT JOIN campaign_contact_labels l
                    ON l.campaign_id = :campaignId AND l.contact_id = c.id
            """;

    /**
     * "Sent to in this campaign" ({@code sent}, null when not): the contact has a SENT delivery in a task of the
     * campaign. Derived from the deliveries, which are kept (erasing a contact unlinks its deliveries and deletes its
     * labels together), instead of a label written per mail by the send path (issue 12: that row per mail cost the send
     * lanes ~25 % of their rate). UNKNOWN, FAILED and SKIPPED deliveries do not count; an UNKNOWN one that a late
     * outcome turns SENT counts from then on, with nothing else to write.
     *
     * <p>Set-based: the campaign's tasks (index {@code tasks_campaign}), each one's deliveries in the statement's
     * contact id range {@code :lo..:hi} from the {@code (task_id, contact_id)} unique index, their status read from
     * the row (no index of deliveries may hold it, see V150), hashed once and joined; not a probe per contact. The
     * range keeps the audience's range statements from each reading the whole campaign.
     */
    static final String SENT_IN_CAMPAIGN_JOIN = """
             LEFT JOIN (SELECT DISTINCT d.contact_id
                          FROM tasks st
                          JOIN deliveries d ON d.task_id = st.id
                         WHERE st.campaign_id = :campaignId AND d.contact_id BETWEEN :lo AND :hi
                           AND d.status = 'SENT') sent
                    ON sent.contact_id = c.id
            """;

    /**
     * Run in the transaction of a statement that joins {@link #SENT_IN_CAMPAIGN_JOIN}, before it. The planner
     * estimates "l.opened_at IS NULL" over the LEFT JOINed labels from the column's own null fraction, near zero now
     * that a label row exists only for an engagement, so it expected one contact left and chose a nested loop that
     * scanned the hashed "sent" set once per contact: EXPLAIN at 1,000,000 contacts did not finish in five minutes,
     * where the hash join takes under a second. Without nested loops the joins stay set-based (the suppression
     * look-up becomes a hash join over the owner's suppressions) whatever the estimates.
     */
    public static final String SENT_PLAN_SETTING = "SET LOCAL enable_nestloop = off";

    /**
     * The campaign's system labels (seed 000 §2.2) as conditions on the contact's {@code campaign_contact_labels}
     * row {@code l} (LEFT JOINed, so a contact without engagement has none of them) and, for the "un-" labels,
     * on {@code sent} ({@link #SENT_IN_CAMPAIGN_JOIN}): they mean sent to in this campaign and did not open / reply.
     */
    public enum SystemLabel {
        OPENED_IN_CAMPAIGN("l.opened_at IS NOT NULL"),
        UNOPENED_IN_CAMPAIGN("(sent.contact_id IS NOT NULL AND l.opened_at IS NULL)"),
        CLICKED_IN_CAMPAIGN("l.clicked_at IS NOT NULL"),
        REPLIED_IN_CAMPAIGN("l.replied_at IS NOT NULL"),
        UNREPLIED_IN_CAMPAIGN("(sent.contact_id IS NOT NULL AND l.replied_at IS NULL)");

        private final String condition;

        SystemLabel(String condition) {
            this.condition = condition;
        }

        public String condition() {
            return condition;
        }

        boolean readsSent() {
            return condition.contains("sent.");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static SystemLabel of(String label) {
            for (SystemLabel l : values()) {
                if (l.label().equals(label)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown system label '" + label + "'; known: "
                    + Arrays.stream(values()).map(SystemLabel::label).collect(Collectors.joining(", ")));
        }
    }

    public static RecipientRule parse(String json) {
        JsonNode root;
        try {
            root = json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("recipient_rule is not JSON", e);
        }
        String match = root.path("match").asText("ANY").trim().toUpperCase(Locale.ROOT);
        if (!match.equals("ANY") && !match.equals("ALL")) {
            throw new IllegalArgumentException("recipient_rule.match must be ANY or ALL, was " + match);
        }
        return new RecipientRule(tags(root, "include_tags"), match.equals("ALL"), tags(root, "exclude_tags"),
                labels(root, "include_labels"), labels(root, "exclude_labels"));
    }

    /**
     * SQL conditions on contacts {@code c}, labels {@code l} and {@code sent}; only fixed fragments, tags are bound
     * as {@code :include} and {@code :exclude} (text arrays).
     */
    public String sqlConditions() {
        StringBuilder sql = new StringBuilder();
        if (!includeTags.isEmpty()) {
            sql.append(matchAll ? " AND c.tags @> CAST(:include AS text[])" : " AND c.tags && CAST(:include AS text[])");
        }
        if (!excludeTags.isEmpty()) {
            sql.append(" AND NOT (c.tags && CAST(:exclude AS text[]))");
        }
        if (!includeLabels.isEmpty()) {
            sql.append(" AND (").append(includeLabels.stream().map(SystemLabel::condition)
                    .collect(Collectors.joining(" OR "))).append(")");
        }
        if (!excludeLabels.isEmpty()) {
            sql.append(" AND NOT (").append(excludeLabels.stream().map(SystemLabel::condition)
                    .collect(Collectors.joining(" OR "))).append(")");
        }
        return sql.toString();
    }

    /**
     * {@link #AUDIENCE_JOINS}, plus {@link #SENT_IN_CAMPAIGN_JOIN} when a condition reads the "sent" fact; then the
     * statement binds {@code :lo} and {@code :hi} too, the contact ids it selects from.
     */
    public String audienceJoins() {
        return readsSent() ? AUDIENCE_JOINS + SENT_IN_CAMPAIGN_JOIN : AUDIENCE_JOINS;
    }

    /** Whether a condition reads "sent to in this campaign" (the "un-" labels). */
    public boolean readsSent() {
        return includeLabels.stream().anyMatch(SystemLabel::readsSent)
                || excludeLabels.stream().anyMatch(SystemLabel::readsSent);
    }

    public boolean usesLabels() {
        return !includeLabels.isEmpty() || !excludeLabels.isEmpty();
    }

    /**
     * The rule without its system-label conditions: a superset of the audience. Labels of a campaign come from its
     * earlier stages' sends, so before those have run this is the only honest estimate of a follow-up stage.
     */
    public RecipientRule withoutLabels() {
        return new RecipientRule(includeTags, matchAll, excludeTags, List.of(), List.of());
    }

    private static List<String> tags(JsonNode root, String field) {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("recipient_rule." + field + " must be an array of tags");
        }
        List<String> tags = new ArrayList<>();
        node.forEach(tag -> {
            if (!tag.asText().isBlank()) {
                tags.add(tag.asText());
            }
        });
        return List.copyOf(tags);
    }

    private static List<SystemLabel> labels(JsonNode root, String field) {
        List<SystemLabel> labels = new ArrayList<>();
        for (String label : tags(root, field)) {
            try {
                labels.add(SystemLabel.of(label.trim().toLowerCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("recipient_rule." + field + ": " + e.getMessage());
            }
        }
        return List.copyOf(labels);
    }
}
