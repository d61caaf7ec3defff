package org.edm.api.support;

/** One invalid input: where (a JSON path in the request's snake_case names, e.g. {@code tasks[0].sender_name}) and why. */
public record FieldProblem(String field, String message) {

    @Override
    public String toString() {
        return field == null || field.isEmpty() ? message : field + ": " + message;
    }
}
