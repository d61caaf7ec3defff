package org.edm.api.console;

import jakarta.annotation.Nullable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the console needs to know about this installation that the REST resources do not say. */
@RestController
@Tag(name = "Console", description = "Settings of the web console")
class ConsoleConfigController {

    private final ConsoleSettings settings;
    private final String namespace;

    ConsoleConfigController(ConsoleSettings settings,
                            @Value("${spring.temporal.namespace:default}") String namespace) {
        this.settings = settings;
        this.namespace = namespace;
    }

    /**
     * @param temporalUiUrl     the Temporal Web UI (EDM_TEMPORAL_UI_URL), or null when none is configured
     * @param temporalNamespace the namespace the workflows run in, for links such as
     *                          {@code {temporal_ui_url}/namespaces/{ns}/workflows/campaign-7}
     */
    record ConsoleConfig(@Nullable String temporalUiUrl, String temporalNamespace) {
    }

    @GetMapping("/v1/console/config")
    @Operation(summary = "Settings of the web console: where the Temporal Web UI is (for links to workflows)")
    ConsoleConfig config() {
        String ui = settings.temporalUiUrl().isBlank() ? null : settings.temporalUiUrl().replaceAll("/+$", "");
        return new ConsoleConfig(ui, namespace);
    }
}
