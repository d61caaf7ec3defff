package org.edm.api.support;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code ?page=} or {@code ?to=} (a number or a timestamp given as an empty string) is a 400 naming the parameter.
 * Spring would read it as "not given" and answer the default, so a client that lost a value on the way would get
 * a wrong answer silently, and the OpenAPI contract (an integer, a date-time) would not hold. Text parameters may
 * still be empty.
 */
@Configuration(proxyBeanMethods = false)
class EmptyParameters implements WebMvcConfigurer, HandlerInterceptor {

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        for (MethodParameter declared : method.getMethodParameters()) {
            MethodParameter parameter = new MethodParameter(declared);
            parameter.initParameterNameDiscovery(NAMES);
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            Class<?> type = parameter.nestedIfOptional().getNestedParameterType();
            if (param == null || CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
                continue;
            }
            String name = !param.name().isEmpty() ? param.name() : parameter.getParameterName();
            String[] values = name == null ? null : request.getParameterValues(name);
            if (values != null && java.util.Arrays.stream(values).anyMatch(String::isBlank)) {
                throw new InvalidInputException(name, "must not be empty (leave the parameter out instead)");
            }
        }
        return true;
    }
}
