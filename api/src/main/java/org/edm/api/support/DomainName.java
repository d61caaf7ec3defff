package org.edm.api.support;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A DNS domain such as {@code mail.example.com}; null is valid. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = DomainName.Validator.class)
public @interface DomainName {

    String message() default "must be a domain name such as mail.example.com";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<DomainName, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || Addresses.isDomain(value);
        }
    }
}
