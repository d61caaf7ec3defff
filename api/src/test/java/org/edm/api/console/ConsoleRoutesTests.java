package org.edm.api.console;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.head;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The api serves the web console at / (here the stand-in console of src/test/resources/console/, on the classpath
 * like a jar that carries one) without shadowing any api path.
 */
class ConsoleRoutesTests extends ApiTestSupport {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void servesTheConsoleAndItsClientRoutesWithoutAToken() throws Exception {
        // "/" is forwarded to the page (a resource handler never serves an empty path); MockMvc shows the forward
        mvc.perform(get("/").with(withoutToken())).andExpect(status().isOk())
                .andExpect(forwardedUrl("/index.html"));
        for (String route : List.of("/index.html", "/campaigns/7", "/admin/users", "/templates", "/tasks/3/report")) {
            mvc.perform(get(route).with(withoutToken()))
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("edm console index")))
                    .andExpect(header().string("Cache-Control", containsString("no-cache")));
        }
        mvc.perform(head("/contacts").with(withoutToken())).andExpect(status().isOk());
        mvc.perform(get("/assets/app-test.js").with(withoutToken()))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("edm console test asset")))
                .andExpect(header().string("Cache-Control", containsString("immutable")));
    }

    @Test
    void aMissingFileIsA404NotThePage() throws Exception {
        mvc.perform(get("/assets/missing-1234.js").with(withoutToken())).andExpect(status().isNotFound());
        mvc.perform(get("/logo-missing.png").with(withoutToken()))
                .andExpect(status().isNotFound())
                .andExpect(content().string(not(containsString("edm console index"))));
    }

    @Test
    void neverShadowsAnApiPath() throws Exception {
        // unknown api paths stay the api's: 401 without a token, a 404 ProblemDetail with one, never index.html
        for (String path : List.of("/v1/no-such-thing", "/api/v1/no-such-thing", "/actuator/nothing", "/v3/nothing",
                "/track/nothing", "/t/abc", "/webhooks/nothing")) {
            mvc.perform(get(path).with(withoutToken()))
                    .andExpect(content().string(not(containsString("edm console index"))));
        }
        mvc.perform(get("/v1/no-such-thing").with(withoutToken())).andExpect(status().isUnauthorized());
        getJson("/v1/no-such-thing").andExpect(status().isNotFound())
                .andExpect(content().string(not(containsString("edm console index"))));
        // only GET and HEAD are public: nothing can be posted to a console path
        mvc.perform(post("/campaigns").with(withoutToken())).andExpect(status().isUnauthorized());
    }

    @Test
    void noControllerMappingIsAPublicConsolePath() {
        // a new endpoint outside the api prefixes would be public for GET without a token: refuse that here
        List<String> exposed = mappings.getHandlerMethods().keySet().stream()
                .flatMap(info -> info.getPatternValues().stream())
                .filter(ConsolePaths::isConsolePath)
                .toList();
        assertThat(exposed).isEmpty();
    }

    @Test
    void tellsTheConsoleWhereTheTemporalUiIs() throws Exception {
        getJson("/v1/console/config").andExpect(status().isOk())
                .andExpect(jsonPath("$.temporal_namespace").value("default"))
                .andExpect(jsonPath("$.temporal_ui_url").doesNotExist());
        mvc.perform(get("/v1/console/config").with(withoutToken())).andExpect(status().isUnauthorized());
    }
}
