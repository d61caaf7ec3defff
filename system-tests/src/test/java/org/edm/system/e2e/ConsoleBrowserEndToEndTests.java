package org.edm.system.e2e;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in a real browser (Debian's Chromium driven by Playwright) against the real stack: PostgreSQL,
 * the Temporal dev server, the api serving the built console, a worker and an SMTP server (GreenMail). Runs every
 * spec in console/e2e (the operator's whole job, what an operator may not see, and the admin pages) with
 * {@code npx playwright test}; screenshots of the main pages stay in console/test-results/screenshots.
 * <p>
 * Needs Node.js, npm and chromium on the machine (bin/test installs them); builds the console first when
 * console/dist is missing.
 */
class ConsoleBrowserEndToEndTests {

    private static final Path CONSOLE = Path.of("..", "console").toAbsolutePath().normalize();
    /** The subject the operator spec writes into its template; only its mails are counted below. */
    private static final String SUBJECT_PREFIX = "Console e2e";

    @Test
    void everyBrowserSpecPassesOnTheRealStack() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "e2e", "console-" + System.currentTimeMillis()));
        buildConsoleIfMissing(logs);
        try (EndToEndStack stack = EndToEndStack.withWorker("console", Map.of(
                "EDM_CONSOLE_DIR", CONSOLE.resolve("dist").toString(),
                "EDM_TEMPORAL_UI_URL", "http://127.0.0.1:8233"));
             var worker = stack.worker()) {
            assertThat(worker.isAlive()).isTrue();
            Path output = logs.resolve("playwright.log");
            int exit = run(logs, output, Duration.ofMinutes(15), Map.of(
                    "EDM_CONSOLE_URL", "http://127.0.0.1:" + stack.apiPort,
                    "EDM_E2E_ADMIN_USERNAME", EndToEndStack.ADMIN_USERNAME,
                    "EDM_E2E_ADMIN_PASSWORD", EndToEndStack.ADMIN_PASSWORD,
                    "EDM_E2E_SMTP_HOST", "127.0.0.1",
                    "EDM_E2E_SMTP_PORT", String.valueOf(stack.smtp.getSmtp().getPort()),
                    // the admin spec freezes a service the way the send path would (no API makes one FROZEN)
                    "EDM_E2E_DB_URL", stack.db.jdbcUrl(),
                    "CI", "true"), "npx", "playwright", "test");
            assertThat(exit).as("npx playwright test (output in %s):%n%s", output, tail(output)).isZero();

            // what the operator spec watched on its progress page really reached the SMTP server: the first task's
            // four contacts (the CSV's fifth row was refused in the preview and never imported)
            List<String> recipients = Arrays.stream(stack.smtp.getReceivedMessages())
                    .filter(m -> subject(m).startsWith(SUBJECT_PREFIX))
                    .flatMap(m -> recipients(m).stream())
                    .toList();
            assertThat(recipients).hasSize(4).allMatch(r -> r.endsWith("@inbox.example.test"));
        }
    }

    private static void buildConsoleIfMissing(Path logs) throws Exception {
        if (Files.exists(CONSOLE.resolve("dist").resolve("index.html"))) {
            return;
        }
        Path output = logs.resolve("console-build.log");
        if (!Files.isDirectory(CONSOLE.resolve("node_modules"))) {
            assertThat(run(logs, output, Duration.ofMinutes(10), Map.of(), "npm", "ci", "--no-audit", "--no-fund"))
                    .as("npm ci: %s", tail(output)).isZero();
        }
        assertThat(run(logs, output, Duration.ofMinutes(10), Map.of(), "npm", "run", "build"))
                .as("npm run build: %s", tail(output)).isZero();
    }

    private static int run(Path logs, Path output, Duration timeout, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(CONSOLE.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static String subject(MimeMessage message) {
        try {
            return String.valueOf(message.getSubject());
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> recipients(MimeMessage message) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
