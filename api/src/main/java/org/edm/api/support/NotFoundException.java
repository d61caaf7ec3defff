package org.edm.api.support;

/**
 * An id that does not exist or belongs to someone else (404; the two are deliberately indistinguishable, so ids
 * of other users' data leak nothing). {@code field} names where a referenced id came from in the request body.
 */
public class NotFoundException extends RuntimeException {

    private final String field;

    public NotFoundException(String message) {
        this(message, null);
    }

    public NotFoundException(String message, String field) {
        super(message);
        this.field = field;
    }

    public static NotFoundException of(String what, Object id) {
        return new NotFoundException(what + " " + id + " not found");
    }

    public String field() {
        return field;
    }
}
