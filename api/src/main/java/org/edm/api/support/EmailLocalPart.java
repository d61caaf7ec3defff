package org.edm.api.support;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The part before the @ of an e-mail address (dot-atom, at most 64 characters); null is valid. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = EmailLocalPart.Validator.class)
public @interface EmailLocalPart {

    String message() default "must be a valid e-mail local part (letters, digits, .!#$%&'*+/=?^_`{|}~- ; at most 64)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<EmailLocalPart, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || Addresses.isEmailLocalPart(value);
        }
    }
}
