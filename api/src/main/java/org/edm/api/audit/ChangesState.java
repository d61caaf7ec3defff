package org.edm.api.audit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A GET that changes state: a link a person follows from an e-mail (a mail client can only follow links, not
 * post). {@link AuditTrail} records it like a POST.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ChangesState {
}
