package org.edm.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** OpenAPI at /v3/api-docs (UI at /swagger-ui.html), documenting the JSON exactly as served: snake_case. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    /** springdoc introspects with its own mapper unless given Spring's, which carries the SNAKE_CASE strategy. */
    @Bean
    ModelResolver snakeCaseModelResolver(ObjectMapper objectMapper) {
        return new ModelResolver(objectMapper);
    }

    @Bean
    OpenAPI edmOpenApi() {
        return new OpenAPI().info(new Info().title("EDM Orchestrator API").version("v1")
                .description("Plan and send bulk e-mail campaigns. JSON is snake_case; timestamps are ISO-8601 with "
                        + "offset; errors are RFC 7807 problem details."));
    }
}
