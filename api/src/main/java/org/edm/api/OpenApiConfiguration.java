package org.edm.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** OpenAPI at /v3/api-docs (UI at /swagger-ui.html), documenting the JSON exactly as served: snake_case. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String BEARER = "bearer";

    /** springdoc introspects with its own mapper unless given Spring's, which carries the SNAKE_CASE strategy. */
    @Bean
    ModelResolver snakeCaseModelResolver(ObjectMapper objectMapper) {
        return new ModelResolver(objectMapper);
    }

    @Bean
    OpenAPI edmOpenApi() {
        return new OpenAPI().info(new Info().title("EDM Orchestrator API").version("v1")
                        .description("Plan and send bulk e-mail campaigns. JSON is snake_case; timestamps are ISO-8601 "
                                + "with offset; errors are RFC 7807 problem details. Sign in with POST "
                                + "/v1/auth/sign-in and send 'Authorization: Bearer <token>'."))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("the token from POST /v1/auth/sign-in")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /**
     * Every operation that takes a body may answer 413 (the request size limits, {@code edm.limits.*}, apply to all
     * of them); operations that say more about it themselves keep their own wording.
     */
    @Bean
    OpenApiCustomizer payloadTooLargeResponses() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                if (operation.getRequestBody() != null && operation.getResponses() != null
                        && !operation.getResponses().containsKey("413")) {
                    operation.getResponses().addApiResponse("413", new ApiResponse()
                            .description("the body is larger than its limit (edm.limits.*)")
                            .content(new Content().addMediaType("application/problem+json",
                                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/ProblemDetail")))));
                }
            }));
        };
    }
}
