package org.edm.api.console;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.PathResourceResolver;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves the built console at {@code /}: from {@code edm.console.dir} (EDM_CONSOLE_DIR, set by bin/edm-dev and the
 * Docker image) and from {@code classpath:/console/} if a jar carries it, so the Maven build never needs npm.
 * Hashed files under /assets are cached for a year; index.html is revalidated every time so a new build shows at
 * once. Resource handlers rank after every controller, so the REST API always wins.
 */
@Configuration
@EnableConfigurationProperties(ConsoleSettings.class)
class ConsoleWebConfiguration implements WebMvcConfigurer {

    private final ConsoleSettings settings;

    ConsoleWebConfiguration(ConsoleSettings settings) {
        this.settings = settings;
    }

    /** "/" itself: resource handlers never serve an empty path, so it is forwarded to the page. */
    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/").setViewName("forward:/index.html");
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        String[] locations = locations();
        registry.addResourceHandler("/assets/**")
                .addResourceLocations(subfolder(locations, "assets/"))
                .setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
                .resourceChain(true)
                .addResolver(new PathResourceResolver());
        registry.addResourceHandler("/**")
                .addResourceLocations(locations)
                .setCacheControl(CacheControl.noCache())
                .resourceChain(true)
                .addResolver(new SinglePageResolver());
    }

    private String[] locations() {
        List<String> locations = new ArrayList<>();
        if (!settings.dir().isBlank()) {
            locations.add(Path.of(settings.dir()).toAbsolutePath().normalize().toUri().toString());
        }
        locations.add("classpath:/console/");
        return locations.toArray(String[]::new);
    }

    private static String[] subfolder(String[] locations, String folder) {
        String[] result = new String[locations.length];
        for (int i = 0; i < locations.length; i++) {
            result[i] = (locations[i].endsWith("/") ? locations[i] : locations[i] + "/") + folder;
        }
        return result;
    }

    /** A file if it exists; index.html for a client route; nothing (404) for a missing file or an api path. */
    private static final class SinglePageResolver extends PathResourceResolver {
        @Override
        protected Resource getResource(String resourcePath, Resource location) throws IOException {
            String path = "/" + resourcePath;
            if (!ConsolePaths.isConsolePath(path)) {
                return null;
            }
            Resource file = resourcePath.isEmpty() ? null : super.getResource(resourcePath, location);
            if (file != null) {
                return file;
            }
            return ConsolePaths.isClientRoute(path) ? super.getResource("index.html", location) : null;
        }
    }
}
