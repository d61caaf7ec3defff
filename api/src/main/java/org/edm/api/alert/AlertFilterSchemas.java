package org.edm.api.alert;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.AlertState;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

import java.util.List;
import java.util.Map;

/**
 * The {@code state} and {@code kind} filters of the alert lists (admin and operator) are documented with their
 * allowed values from the one home of each list, {@link AlertState#ALL} and {@link AlertKinds#ALL}, which the
 * controller also checks against: a new kind is then allowed and documented at once, in both lists.
 */
@Component
class AlertFilterSchemas implements OperationCustomizer {

    static final Map<String, List<String>> ALLOWED = Map.of("state", AlertState.ALL, "kind", AlertKinds.ALL);

    @Override
    public Operation customize(Operation operation, HandlerMethod handlerMethod) {
        if (handlerMethod.getBeanType() != AlertController.class || operation.getParameters() == null) {
            return operation;
        }
        for (Parameter parameter : operation.getParameters()) {
            List<String> allowed = ALLOWED.get(parameter.getName());
            if (allowed != null && "query".equals(parameter.getIn())) {
                // a schema of its own: springdoc may share one string schema between parameters of the same type
                parameter.setSchema(new StringSchema()._enum(allowed));
            }
        }
        return operation;
    }
}
