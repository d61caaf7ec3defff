package org.edm.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.ApplicationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pictures of a resource for the audit trail: what the api's own {@code GET} of that path pattern answers for the
 * current user, as JSON. Using the GET handlers themselves keeps the pictures owner-scoped and secret-free
 * exactly like the api, with nothing to register per resource.
 */
@Component
class ResourceSnapshots {

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private final ApplicationContext context;
    private final ObjectMapper json;
    private volatile Map<String, HandlerMethod> getters;

    ResourceSnapshots(ApplicationContext context, ObjectMapper json) {
        this.context = context;
        this.json = json;
    }

    /** The first of {@code patterns} with a GET handler, invoked with {@code variables}; empty if none answers. */
    Optional<JsonNode> of(List<String> patterns, Map<String, String> variables) {
        for (String pattern : patterns) {
            HandlerMethod getter = getters().get(pattern);
            if (getter != null) {
                return invoke(getter, variables);
            }
        }
        return Optional.empty();
    }

    private Optional<JsonNode> invoke(HandlerMethod getter, Map<String, String> variables) {
        MethodParameter[] parameters = getter.getMethodParameters();
        Object[] args = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            PathVariable variable = parameters[i].getParameterAnnotation(PathVariable.class);
            if (variable == null) {
                return Optional.empty();
            }
            MethodParameter parameter = parameters[i].clone();
            parameter.initParameterNameDiscovery(NAMES);
            String name = !variable.name().isEmpty() ? variable.name()
                    : !variable.value().isEmpty() ? variable.value() : parameter.getParameterName();
            String value = variables.get(name);
            if (value == null) {
                return Optional.empty();
            }
            Class<?> type = parameters[i].getParameterType();
            try {
                args[i] = type == long.class || type == Long.class ? Long.valueOf(value)
                        : type == int.class || type == Integer.class ? Integer.valueOf(value) : value;
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            Object bean = context.getBean((String) getter.getBean());
            var method = getter.getMethod();
            method.setAccessible(true);
            Object result = method.invoke(bean, args);
            Object body = result instanceof ResponseEntity<?> entity ? entity.getBody() : result;
            return body == null ? Optional.empty() : Optional.of(json.valueToTree(body));
        } catch (InvocationTargetException notFoundOrGone) {
            return Optional.empty();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, HandlerMethod> getters() {
        Map<String, HandlerMethod> known = getters;
        if (known == null) {
            known = new HashMap<>();
            RequestMappingHandlerMapping mapping = context.getBean("requestMappingHandlerMapping",
                    RequestMappingHandlerMapping.class);
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                RequestMappingInfo info = entry.getKey();
                if (info.getMethodsCondition().getMethods().contains(RequestMethod.GET)
                        && entry.getValue().getBean() instanceof String) {
                    for (String pattern : info.getPatternValues()) {
                        known.putIfAbsent(pattern, entry.getValue());
                    }
                }
            }
            getters = known;
        }
        return known;
    }
}
