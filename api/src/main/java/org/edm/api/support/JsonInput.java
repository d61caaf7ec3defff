package org.edm.api.support;

import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Text fields take JSON strings only: {@code "name": false} or {@code "name": 12} is a 400 naming the field, as the
 * OpenAPI contract says (type string), instead of Jackson quietly storing "false" or "12".
 */
@Configuration(proxyBeanMethods = false)
class JsonInput {

    @Bean
    Jackson2ObjectMapperBuilderCustomizer textIsText() {
        return builder -> builder.postConfigurer(mapper -> mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail));
    }
}
