package org.edm.api.support;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A host to connect to: a domain name, {@code localhost} or an IPv4 address; null is valid. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = HostName.Validator.class)
public @interface HostName {

    String message() default "must be a host name or IPv4 address";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<HostName, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || Addresses.isHost(value);
        }
    }
}
