package org.edm.system;

import org.edm.domain.task.PauseReason;
import org.edm.domain.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task state has one owner (issue 15): SQL names a task state through {@link TaskStatus#sql()} where it can. Where a
 * literal stays in SQL text (a module another change owns, or a CASE that reads better spelled out), this scan of
 * every module's main sources proves it is a real {@link TaskStatus} name, and every {@code pause_reason} literal a
 * real {@link PauseReason} text, so a misspelt state ('SENDNG' would match no row, silently) fails the build.
 *
 * <p>A comparison counts as the task's when its column is qualified by {@code tasks} or an alias of it, or is
 * unqualified in a statement whose only table is {@code tasks}. Deliveries, API messages and campaigns have states of
 * the same names (SENDING, FAILED, CANCELLED) and other sets, so their comparisons are left alone.
 */
class TaskStateSqlLiteralTests {

    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"(.*?)\"\"\"", Pattern.DOTALL);
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern TABLE = Pattern.compile(
            "\\b(?:FROM|JOIN|UPDATE|INTO)\\s+(\\w+)(?:\\s+(?:AS\\s+)?(\\w+))?", Pattern.CASE_INSENSITIVE);
    private static final Set<String> KEYWORDS = Set.of("where", "join", "left", "right", "inner", "outer", "cross",
            "on", "set", "group", "order", "using", "for", "limit", "returning", "values", "select", "union", "and",
            "or", "as", "having", "window", "offset", "natural", "full", "lateral");
    private static final Pattern COMPARISON = Pattern.compile(
            "(?:\\b(\\w+)\\.)?\\b(status|pause_reason)\\s*(?:=|<>|!=|\\bNOT\\s+IN\\b|\\bIN\\b)\\s*"
                    + "(\\(\\s*'[^']*'(?:\\s*,\\s*'[^']*')*\\s*\\)|'[^']*')",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LITERAL = Pattern.compile("'([^']*)'");

    /** One task-state literal found: where, which column, which text. */
    record Literal(String where, String column, String text) {
        boolean known() {
            if (column.equalsIgnoreCase("status")) {
                return Arrays.stream(TaskStatus.values()).anyMatch(s -> s.name().equals(text));
            }
            return Arrays.stream(PauseReason.values()).anyMatch(r -> r.isSystem() && r.text().equals(text));
        }
    }

    @Test
    void everyTaskStateLiteralInSqlIsARealTaskStatusOrPauseReason() throws IOException {
        Path root = ArchitectureTests.repositoryRoot();
        List<Literal> found = new ArrayList<>();
        for (String module : List.of("domain", "activities", "api", "worker", "workflows")) {
            Path sources = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String where = root.relativize(file).toString();
                    found.addAll(taskLiterals(where, Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
        }
        assertThat(found).as("task-state literals in SQL that are no TaskStatus name or PauseReason text")
                .filteredOn(literal -> !literal.known()).isEmpty();
        // the scan sees the literals that stay (DeliveryClaims releases a claim by the task's state), so an empty
        // result above is not a scan that stopped finding anything
        assertThat(found).as("task-state literals the scan found").isNotEmpty();
    }

    @Test
    void theScanFindsAMisspeltStateAndLeavesOtherTablesAlone() {
        List<Literal> literals = taskLiterals("Sample.java", """
                class Sample {
                    String a = \"""
                            SELECT d.id FROM deliveries d JOIN tasks t ON t.id = d.task_id
                             WHERE d.status = 'QUEUED' AND t.status IN ('SENDING', 'PAUSD')
                            \""";
                    String b = "UPDATE tasks SET x = 1 WHERE status = 'SENDNG' AND pause_reason = '当前没有发信额度'";
                    String c = "UPDATE api_messages SET status = 'QUEUED' WHERE status = 'SENDING'";
                    String d = "SELECT 1 FROM tasks WHERE id IN (SELECT task_id FROM deliveries WHERE status = 'X')";
                }
                """);
        assertThat(literals).extracting(Literal::text)
                .containsExactlyInAnyOrder("SENDING", "PAUSD", "SENDNG", "当前没有发信额度");
        assertThat(literals).filteredOn(literal -> !literal.known()).extracting(Literal::text)
                .containsExactlyInAnyOrder("PAUSD", "SENDNG");
    }

    @Test
    void sqlFragmentsSpellTheStoredForms() {
        assertThat(TaskStatus.SENDING.sql()).isEqualTo("'SENDING'");
        assertThat(TaskStatus.sql(TaskStatus.ENDED)).isEqualTo("('FINISHED', 'FAILED', 'CANCELLED')");
        assertThat(TaskStatus.sql(TaskStatus.RUNNING)).isEqualTo("('SENDING', 'PAUSED')");
    }

    static List<Literal> taskLiterals(String where, String source) {
        List<Literal> found = new ArrayList<>();
        for (String sql : sqlTexts(source)) {
            Set<String> taskNames = new HashSet<>();
            Set<String> tables = new HashSet<>();
            Matcher table = TABLE.matcher(sql);
            while (table.find()) {
                String name = table.group(1).toLowerCase(Locale.ROOT);
                tables.add(name);
                if (name.equals("tasks")) {
                    taskNames.add("tasks");
                    String alias = table.group(2);
                    if (alias != null && !KEYWORDS.contains(alias.toLowerCase(Locale.ROOT))) {
                        taskNames.add(alias.toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (taskNames.isEmpty()) {
                continue;
            }
            boolean onlyTasks = tables.equals(Set.of("tasks"));
            Matcher comparison = COMPARISON.matcher(sql);
            while (comparison.find()) {
                String qualifier = comparison.group(1);
                boolean tasks = qualifier == null ? onlyTasks : taskNames.contains(qualifier.toLowerCase(Locale.ROOT));
                if (!tasks) {
                    continue;
                }
                Matcher literal = LITERAL.matcher(comparison.group(3));
                while (literal.find()) {
                    found.add(new Literal(where, comparison.group(2), literal.group(1)));
                }
            }
        }
        return found;
    }

    /** Text blocks, then the ordinary string literals outside them. */
    private static List<String> sqlTexts(String source) {
        List<String> texts = new ArrayList<>();
        Matcher block = TEXT_BLOCK.matcher(source);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (block.find()) {
            texts.add(block.group(1));
            rest.append(source, last, block.start());
            last = block.end();
        }
        rest.append(source.substring(last));
        Matcher string = STRING.matcher(rest);
        while (string.find()) {
            texts.add(string.group(1));
        }
        return texts;
    }
}
