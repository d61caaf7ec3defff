package org.edm.api.support;

import java.util.List;

/** Input that passed JSON binding but breaks a rule Bean Validation cannot express (400 with {@code errors}). */
public class InvalidInputException extends RuntimeException {

    private final List<FieldProblem> problems;

    public InvalidInputException(List<FieldProblem> problems) {
        super(problems.isEmpty() ? "invalid input" : problems.get(0).toString());
        this.problems = List.copyOf(problems);
    }

    public InvalidInputException(String field, String message) {
        this(List.of(new FieldProblem(field, message)));
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
