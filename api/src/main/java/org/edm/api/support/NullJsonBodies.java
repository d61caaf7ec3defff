package org.edm.api.support;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

import java.lang.reflect.Type;

/**
 * An optional JSON body (the reason of a pause or cancel) may be left out, but one that is sent has the documented
 * shape: a literal {@code null} body, which Jackson reads as if there were none, is a 400 "request body must be a
 * JSON object" like any other body that is no object (the contract says object, and a required body already refuses
 * {@code null}). Only bodies that were present reach this advice; an absent one never does.
 */
@ControllerAdvice
class NullJsonBodies extends RequestBodyAdviceAdapter {

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return AbstractJackson2HttpMessageConverter.class.isAssignableFrom(converterType);
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter,
                                Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        if (body == null) {
            // the problem handler words a mismatched input of the body's own type as "request body must be ..."
            throw new HttpMessageNotReadableException("JSON null body", MismatchedInputException.from(null,
                    parameter.getParameterType(), "a JSON null body"), inputMessage);
        }
        return body;
    }
}
