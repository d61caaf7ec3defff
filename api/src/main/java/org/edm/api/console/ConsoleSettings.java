package org.edm.api.console;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web console (console/, a single-page app built with npm) as the api serves it.
 *
 * @param dir           the console's built files (console/dist); empty: only {@code classpath:/console/} if the jar has
 *                      it, else no console at all (the REST API works the same either way)
 * @param temporalUiUrl the Temporal Web UI the console links each campaign, task and service to; empty: no links
 */
@ConfigurationProperties("edm.console")
public record ConsoleSettings(@DefaultValue("") String dir, @DefaultValue("") String temporalUiUrl) {
}
