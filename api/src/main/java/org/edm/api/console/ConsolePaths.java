package org.edm.api.console;

import java.util.List;

/**
 * Which request paths belong to the console. The console owns every path outside the api's own prefixes: its files
 * ({@code /}, {@code /index.html}, {@code /assets/...}) and its client routes ({@code /campaigns/7}), which all get
 * index.html so that a reload or a bookmark lands on the right page. A path under an api prefix is never the
 * console's, so an unknown {@code /v1/...} stays a 404 ProblemDetail and never turns into a page.
 * <p>
 * Only GET and HEAD of these paths are public (static files, no data; SecurityConfiguration says so);
 * {@code ConsoleRoutesTests} checks that no controller mapping is one of them, so a new endpoint outside these
 * prefixes cannot become public by accident.
 */
public final class ConsolePaths {

    /** The api's own path prefixes: REST, developer API, tracking, unsubscribe, webhooks, actuator, API docs. */
    static final List<String> API_PREFIXES = List.of("/v1", "/api", "/t", "/track", "/unsubscribe", "/webhooks",
            "/actuator", "/v3", "/swagger-ui", "/swagger-ui.html", "/error");

    private ConsolePaths() {
    }

    public static boolean isConsolePath(String path) {
        if (path == null || !path.startsWith("/")) {
            return false;
        }
        for (String prefix : API_PREFIXES) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return false;
            }
        }
        return true;
    }

    /** A client route (no file extension in the last segment) gets index.html; a missing file stays a 404. */
    static boolean isClientRoute(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return !last.contains(".");
    }
}
