package org.edm.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** OpenAPI at /v3/api-docs (UI at /swagger-ui.html), documenting the JSON exactly as served: snake_case. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String BEARER = "bearer";

    /**
     * springdoc introspects with its own mapper unless given Spring's, which carries the SNAKE_CASE strategy; this
     * resolver also notes which record each schema comes from (for {@link ApiContract}).
     */
    @Bean
    RecordSchemas recordSchemas(ObjectMapper objectMapper) {
        return new RecordSchemas(objectMapper);
    }

    @Bean
    OpenAPI edmOpenApi() {
        return new OpenAPI().info(new Info().title("EDM Orchestrator API").version("v1")
                        .description("Plan and send bulk e-mail campaigns. JSON is snake_case; timestamps are ISO-8601 "
                                + "with offset; errors are RFC 9457 problem details (application/problem+json). Sign in with POST "
                                + "/v1/auth/sign-in and send 'Authorization: Bearer <token>'."))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("the token from POST /v1/auth/sign-in")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** Error answers, required and nullable properties exactly as served (see {@link ApiContract}). */
    @Bean
    OpenApiCustomizer apiContract(RecordSchemas recordSchemas) {
        return new ApiContract(recordSchemas);
    }
}
