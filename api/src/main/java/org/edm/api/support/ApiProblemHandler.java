package org.edm.api.support;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.validation.ConstraintViolationException;
import org.edm.domain.user.InvalidVerificationTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Every error leaves as an RFC 7807 {@link ProblemDetail}: malformed JSON and invalid fields are 400 with an
 * {@code errors} list naming each field (in the request's JSON names), unknown ids 404, state conflicts 409,
 * a body over its size limit 413, too many requests from one address 429, Temporal unreachable 503. Bad input never becomes a 500; an unexpected failure is a 500 that reveals nothing.
 */
@RestControllerAdvice
class ApiProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiProblemHandler.class);

    /** SQLSTATEs of text PostgreSQL cannot store: 22021 character_not_in_repertoire, 22P05 untranslatable. */
    private static final java.util.Set<String> UNSTORABLE_TEXT = java.util.Set.of("22021", "22P05");

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
        if (e.field() != null) {
            problem.setProperty("errors", List.of(new FieldProblem(e.field(), e.getMessage())));
        }
        return problem;
    }

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
    }

    @ExceptionHandler(PaymentRequiredException.class)
    ProblemDetail paymentRequired(PaymentRequiredException e) {
        ProblemDetail problem = problem(HttpStatus.PAYMENT_REQUIRED, "No quota left", e.getMessage());
        problem.setProperty("needed", e.needed());
        problem.setProperty("balance", e.balance());
        return problem;
    }

    @ExceptionHandler(IdempotencyConflictException.class)
    ProblemDetail idempotencyConflict(IdempotencyConflictException e) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, "Idempotency-Key reused", e.getMessage());
    }

    @ExceptionHandler(ForbiddenException.class)
    ProblemDetail forbidden(ForbiddenException e) {
        return problem(HttpStatus.FORBIDDEN, "Forbidden", e.getMessage());
    }

    /** Wrong username or password: one wording whether or not the username exists. */
    @ExceptionHandler(SignInRefusedException.class)
    ProblemDetail signInRefused(SignInRefusedException e) {
        return problem(HttpStatus.UNAUTHORIZED, "Unauthorized", e.getMessage());
    }

    /** A locked username or a throttled client address: 429 with Retry-After in seconds. */
    @ExceptionHandler(TooManySignInsException.class)
    ResponseEntity<ProblemDetail> tooManySignIns(TooManySignInsException e) {
        return tooMany("Too many failed sign-ins", e.getMessage(), e.retryAfterSeconds());
    }

    /** 429 with Retry-After in seconds, for every kind of throttling. */
    private static ResponseEntity<ProblemDetail> tooMany(String title, String detail, long retryAfterSeconds) {
        ProblemDetail problem = problem(HttpStatus.TOO_MANY_REQUESTS, title, detail);
        problem.setProperty("retry_after_seconds", retryAfterSeconds);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .body(problem);
    }

    /** Too many sign-up requests for an address or from a client address: 429 with Retry-After in seconds. */
    @ExceptionHandler(TooManySignUpsException.class)
    ResponseEntity<ProblemDetail> tooManySignUps(TooManySignUpsException e) {
        return tooMany("Too many sign-up requests", e.getMessage(), e.retryAfterSeconds());
    }

    /** An expired, altered or unknown e-mail verification link. */
    @ExceptionHandler(InvalidVerificationTokenException.class)
    ProblemDetail invalidVerificationLink(InvalidVerificationTokenException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid verification link", e.getMessage());
        problem.setProperty("errors", List.of(new FieldProblem("token", e.getMessage())));
        return problem;
    }

    /** A body without Content-Length that went past its limit while read ({@link RequestBodyLimits}). */
    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> bodyTooLarge(BodyTooLargeException e) {
        return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(tooLarge(e));
    }

    /** Too many requests from one client address (e.g. unsubscribe): 429 with Retry-After in seconds. */
    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException e) {
        return tooMany("Too many requests", e.getMessage(), e.retryAfterSeconds());
    }

    @ExceptionHandler(InvalidInputException.class)
    ProblemDetail invalid(InvalidInputException e) {
        return validationProblem(e.problems());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ProblemDetail constraintViolation(ConstraintViolationException e) {
        return validationProblem(e.getConstraintViolations().stream()
                .map(v -> new FieldProblem(FieldPaths.toJson(v.getPropertyPath().toString()), v.getMessage()))
                .toList());
    }

    @ExceptionHandler(TemporalUnavailableException.class)
    ProblemDetail temporalUnavailable(TemporalUnavailableException e) {
        log.warn("{}: {}", e.getMessage(), e.getCause() == null ? "" : e.getCause().toString());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "Workflow service unavailable", e.getMessage());
        return problem;
    }

    /** Validation in the service layer should catch these first; this is the safety net (e.g. a race). */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ProblemDetail dataIntegrity(DataIntegrityViolationException e) {
        java.sql.SQLException sql = causeOfType(e, java.sql.SQLException.class);
        if (sql != null && UNSTORABLE_TEXT.contains(sql.getSQLState())) {
            // PostgreSQL text cannot hold a NUL character (nor invalid UTF-8): bad input, not a conflict
            return problem(HttpStatus.BAD_REQUEST, "Invalid request",
                    "text must not contain NUL (\\u0000) characters");
        }
        log.info("data integrity violation: {}", e.getMostSpecificCause().getMessage());
        return problem(HttpStatus.CONFLICT, "Conflict",
                "the change conflicts with existing data (it may have been changed concurrently)");
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "an unexpected error occurred; it has been logged");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            problems.add(new FieldProblem(FieldPaths.toJson(error.getField()), error.getDefaultMessage()));
        }
        e.getBindingResult().getGlobalErrors()
                .forEach(error -> problems.add(new FieldProblem(null, error.getDefaultMessage())));
        return ResponseEntity.badRequest().body(validationProblem(problems));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(error ->
                problems.add(new FieldProblem(result.getMethodParameter().getParameterName(),
                        error.getDefaultMessage()))));
        return ResponseEntity.badRequest().body(validationProblem(problems));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        BodyTooLargeException tooLarge = causeOfType(e, BodyTooLargeException.class);
        if (tooLarge != null) {
            return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(tooLarge(tooLarge));
        }
        return ResponseEntity.badRequest().body(unreadable(e));
    }

    private static ProblemDetail tooLarge(BodyTooLargeException e) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "Payload too large", e.getMessage() + " allowed here");
    }

    private ProblemDetail unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        // a syntax error can arrive wrapped in a mapping exception (e.g. inside an array element): syntax first
        StreamReadException syntax = causeOfType(cause, StreamReadException.class);
        if (syntax instanceof InputCoercionException c) {
            String field = cause instanceof JsonMappingException m ? path(m) : "";
            return validationProblem(List.of(new FieldProblem(field, "number out of range: "
                    + c.getOriginalMessage())));
        }
        if (syntax != null) {
            return problem(HttpStatus.BAD_REQUEST, "Bad request", "malformed JSON at " + location(syntax) + ": "
                    + syntax.getOriginalMessage());
        }
        if (cause instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return validationProblem(List.of(new FieldProblem(path(u),
                    "unknown property" + (known.isEmpty() ? "" : "; expected one of: " + known))));
        }
        if (cause instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            String allowed = java.util.Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(Object::toString).collect(Collectors.joining(", "));
            return validationProblem(List.of(new FieldProblem(path(f),
                    "'" + f.getValue() + "' is not one of: " + allowed)));
        }
        if (cause instanceof InvalidFormatException f) {
            return validationProblem(List.of(new FieldProblem(path(f),
                    "'" + f.getValue() + "' is not a valid " + describe(f.getTargetType()))));
        }
        if (cause instanceof ValueInstantiationException v) {
            String reason = v.getCause() != null && v.getCause().getMessage() != null
                    ? v.getCause().getMessage() : "invalid value";
            return validationProblem(List.of(new FieldProblem(path(v), reason)));
        }
        if (cause instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return validationProblem(List.of(new FieldProblem(path(m),
                    "expected " + describe(m.getTargetType()))));
        }
        if (cause instanceof MismatchedInputException m && m.getTargetType() != null) {
            // a body of the wrong shape, e.g. an object where an array is expected, or no body at all
            return problem(HttpStatus.BAD_REQUEST, "Bad request",
                    "request body must be " + describe(m.getTargetType()));
        }
        if (cause instanceof JsonMappingException m) {
            return validationProblem(List.of(new FieldProblem(path(m), m.getOriginalMessage())));
        }
        if (cause instanceof JsonProcessingException p) {
            return problem(HttpStatus.BAD_REQUEST, "Bad request", "malformed JSON at " + location(p) + ": "
                    + p.getOriginalMessage());
        }
        if (cause == null) {
            return problem(HttpStatus.BAD_REQUEST, "Bad request", "malformed JSON: the request body is missing or empty");
        }
        return problem(HttpStatus.BAD_REQUEST, "Bad request", "malformed JSON");
    }

    private static <T extends Throwable> T causeOfType(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "?" : "line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }

    /** Jackson's path in JSON names, e.g. {@code tasks[0].recipient_rule.match} or {@code [3].email}. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean (true or false)";
        }
        if (type == String.class) {
            return "string";
        }
        if (java.time.OffsetDateTime.class.isAssignableFrom(type) || java.time.Instant.class.isAssignableFrom(type)) {
            return "ISO-8601 timestamp with offset, e.g. 2026-03-01T09:00:00+08:00";
        }
        if (type.isRecord() || type.getPackageName().startsWith("org.edm")) {
            return "a JSON object";
        }
        return type.getSimpleName();
    }

    private static ProblemDetail validationProblem(List<FieldProblem> problems) {
        List<FieldProblem> sorted = problems.stream()
                .sorted(Comparator.comparing(FieldProblem::field, Comparator.nullsFirst(Comparator.naturalOrder())))
                .distinct().toList();
        String detail = sorted.isEmpty() ? "invalid input"
                : sorted.stream().limit(5).map(FieldProblem::toString).collect(Collectors.joining("; "))
                + (sorted.size() > 5 ? "; and " + (sorted.size() - 5) + " more" : "");
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
        problem.setProperty("errors", sorted);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, Objects.requireNonNullElse(detail, title));
        problem.setTitle(title);
        return problem;
    }
}
