package org.edm.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.edm.api.support.Addresses;
import org.edm.api.support.DomainName;
import org.edm.api.support.EmailLocalPart;
import org.edm.api.support.HostName;
import org.springdoc.core.customizers.OpenApiCustomizer;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes /v3/api-docs say exactly what the api answers, so that clients can be generated from it (issue 15):
 * <ul>
 *   <li>every error answer is an RFC 9457 problem ({@code application/problem+json}, schema {@code ProblemDetail});
 *   <li>the error statuses every operation can give follow from what it takes and where it sits, the same rules
 *       {@code ApiProblemHandler} and the security configuration apply: 400 when it reads a body or a parameter,
 *       401 unless it is public, 403 on the admin-only paths ({@code /v1/users/**}, {@code /v1/admin/**}) and on
 *       the developer API (a user token there), 404 when a path or a body names a resource (unknown ids),
 *       409 for every signed-in change (state conflicts, and the data-integrity net for concurrent changes),
 *       413 for every body. Statuses only some operations give (402, 422, 429, 503, 403 elsewhere) are declared on
 *       the operation itself with a description only; their content is filled in here. 415 for every body;
 *   <li>record schemas are objects (so JSON null is not one) and carry the Bean Validation constraints the model
 *       resolver leaves out (@NotBlank, @NotEmpty, @NotNull, @Positive, @PositiveOrZero, whole-value @Pattern);
 *       request objects refuse unknown properties (additionalProperties false), as Jackson is configured to; string
 *       path parameters say which values the security firewall refuses before the api sees them;
 *   <li>response records promise their properties: every component is required (Jackson writes nulls), and only
 *       the components marked {@code @Nullable} may be null ({@link RecordSchemas}). Request records keep what Bean
 *       Validation and {@code @Schema} say.
 * </ul>
 * Public operations (sign-in, sign-up, tracking, unsubscribe, provider webhooks) are marked with an empty
 * {@code @SecurityRequirements} and document their own answers.
 */
final class ApiContract implements OpenApiCustomizer {

    static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    private static final String PROBLEM_REF = "#/components/schemas/ProblemDetail";
    private static final Set<PathItem.HttpMethod> CHANGES = Set.of(PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT,
            PathItem.HttpMethod.PATCH, PathItem.HttpMethod.DELETE);

    /**
     * What Spring Security's firewall lets through as one path segment: no '/', '%', ';', '\\', NUL, CR, LF
     * or line separators, and not "." or "..". Other values are refused with a 400 before the api sees them. Other
     * control characters do pass (StrictHttpFirewall blocks only these), so the pattern must not exclude them: the
     * open pixel, which answers every name with the GIF, would otherwise "accept an invalid request".
     */
    static final String FIREWALL_SAFE_SEGMENT = "^(?!\\.{1,2}$)[^/%;\\\\\\u0000\\n\\r\\u2028\\u2029]+$";

    /**
     * The date-times java.time reads (RFC 3339 allows more): at most nine fraction digits, no leap
     * second, and an offset within ±18:00. A query parameter of format date-time carries it, so a value the spec
     * calls valid is one the api can read ({@code from=5281-04-08T20:23:50+19:13} is a 400, and documented as such).
     */
    static final String JAVA_DATE_TIME = "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:[0-5]\\d(\\.\\d{1,9})?"
            + "([Zz]|[+-](0\\d|1[0-7]):[0-5]\\d|[+-]18:00)$";

    private final RecordSchemas records;

    ApiContract(RecordSchemas records) {
        this.records = records;
    }

    @Override
    public void customise(OpenAPI openApi) {
        openApi.getComponents().addSchemas("ProblemDetail", problemDetail());
        openApi.getComponents().addSchemas("FieldProblem", new ObjectSchema()
                .description("one invalid input: the field in the request's JSON names (null for the whole request)")
                .addProperty("field", nullable(new StringSchema()))
                .addProperty("message", new StringSchema())
                .required(List.of("field", "message")));
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (operation.getResponses() == null) {
                operation.setResponses(new ApiResponses());
            }
            addErrorStatuses(path, method, operation);
            if (operation.getParameters() != null) {
                operation.getParameters().stream()
                        .filter(p -> "path".equals(p.getIn()) && p.getSchema() != null
                                && p.getSchema().getPattern() == null && isString(p.getSchema()))
                        .forEach(p -> p.getSchema().setPattern(FIREWALL_SAFE_SEGMENT));
                operation.getParameters().stream()
                        .filter(p -> p.getSchema() != null && p.getSchema().getPattern() == null
                                && "date-time".equals(p.getSchema().getFormat()))
                        // a schema of its own: springdoc may share one instance between uses of a type
                        .forEach(p -> p.setSchema(new StringSchema().format("date-time").pattern(JAVA_DATE_TIME)
                                .description(p.getSchema().getDescription())));
            }
            operation.getResponses().forEach((status, response) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    asProblem(response);
                }
            });
        }));
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        schemas.values().forEach(schema -> {
            // without a type, JSON null would pass for an object: the api reads null as "no body" and refuses it
            // (OpenAPI 3.1 output writes only the type list, not the single type the model resolver may have set)
            if (schema.getProperties() != null && (schema.getType() == null || "object".equals(schema.getType()))
                    && (schema.getTypes() == null || schema.getTypes().isEmpty())) {
                schema.setTypes(new LinkedHashSet<>(List.of("object")));
            }
        });
        // Map<String, Object> and JsonNode hold any JSON value, not only objects
        schemas.values().forEach(schema -> {
            if (schema.getProperties() != null) {
                schema.getProperties().values().forEach(p -> {
                    if (p instanceof Schema<?> property
                            && property.getAdditionalProperties() instanceof Schema<?> values && isBareObject(values)) {
                        property.setAdditionalProperties(new Schema<>().description(values.getDescription()));
                    }
                });
            }
        });
        if (schemas.get("JsonNode") != null && isBareObject(schemas.get("JsonNode"))) {
            schemas.put("JsonNode", new Schema<>().description("any JSON value"));
        }
        records.promises().forEach((name, promise) -> {
            if (schemas.get(name) != null && schemas.get(name).getProperties() != null) {
                promise.components().forEach((property, component) ->
                        constrain(schemas.get(name), property, component));
            }
        });
        promiseResponseProperties(openApi);
    }

    /**
     * Bean Validation constraints the model resolver leaves out: a property that must be present, must not be
     * blank (Hibernate Validator: at least one character above U+0020), must not be empty, or must be positive.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void constrain(Schema<?> record, String property, RecordComponent component) {
        Schema p = record.getProperties().get(property);
        if (p == null) {
            return;
        }
        boolean notBlank = has(component, NotBlank.class);
        boolean notEmpty = has(component, NotEmpty.class);
        if ((notBlank || notEmpty || has(component, NotNull.class))
                && (record.getRequired() == null || !record.getRequired().contains(property))) {
            record.addRequiredItem(property);
        }
        boolean isString = CharSequence.class.isAssignableFrom(component.getType());
        if ((notBlank || notEmpty) && isString && (p.getMinLength() == null || p.getMinLength() < 1)) {
            p.setMinLength(1);
        }
        jakarta.validation.constraints.Pattern regexp = annotation(component,
                jakarta.validation.constraints.Pattern.class);
        if (regexp != null) {
            // Bean Validation matches the whole value; a JSON Schema pattern matches anywhere in it
            p.setPattern("^(?:" + regexp.regexp() + ")$");
        }
        String addressPattern = has(component, DomainName.class) ? Addresses.DOMAIN_REGEX
                : has(component, HostName.class) ? Addresses.HOST_REGEX
                : has(component, EmailLocalPart.class) ? Addresses.EMAIL_LOCAL_PART_REGEX : null;
        if (addressPattern != null && p.getPattern() == null) {
            p.setPattern(addressPattern);
            p.setFormat(null); // the model resolver guesses "email" from the annotation's name
        }
        if (notBlank && isString && p.getPattern() == null) {
            p.setPattern("[^\\u0000-\\u0020]");
        }
        if (notEmpty && !isString && (p.getMinItems() == null || p.getMinItems() < 1)) {
            p.setMinItems(1);
        }
        boolean integral = component.getType() == int.class || component.getType() == long.class
                || component.getType() == Integer.class || component.getType() == Long.class;
        if (has(component, Positive.class)) {
            if (integral) {
                p.setMinimum(BigDecimal.ONE);
            } else {
                p.setExclusiveMinimumValue(BigDecimal.ZERO);
            }
        }
        if (has(component, PositiveOrZero.class)) {
            p.setMinimum(BigDecimal.ZERO);
        }
    }

    private static void addErrorStatuses(String path, PathItem.HttpMethod method, Operation operation) {
        boolean isPublic = operation.getSecurity() != null && operation.getSecurity().isEmpty();
        boolean developerApi = path.startsWith("/api/v1/");
        boolean hasParameters = operation.getParameters() != null && !operation.getParameters().isEmpty();
        if (operation.getRequestBody() != null || hasParameters) {
            // a parameter the api cannot read (type, format, bounds) or a path the firewall refuses (e.g. an
            // encoded '/', '%' or control character)
            add(operation, "400", "invalid input: the errors list names each bad field or parameter");
        }
        if (operation.getRequestBody() != null) {
            add(operation, "413", "the body is larger than its limit (edm.limits.*)");
            add(operation, "415", "the body is not of the documented content type");
        }
        if (isPublic) {
            return; // public operations document their own answers
        }
        add(operation, "401", developerApi ? "no valid API key (Authorization: Bearer <api key>)"
                : "no valid bearer token: sign in with POST /v1/auth/sign-in");
        if (developerApi) {
            add(operation, "403", "only an API key may call the developer API (a user's token is refused)");
        } else if (path.equals("/v1/users") || path.startsWith("/v1/users/") || path.startsWith("/v1/admin/")) {
            add(operation, "403", "only an admin may do this");
        }
        // a path, or a body naming other resources (e.g. a task's campaign_id), may name one that does not exist
        boolean namesResource = operation.getRequestBody() != null || operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> "path".equals(p.getIn()));
        if (namesResource) {
            add(operation, "404", "no such resource, or not yours");
        }
        if (CHANGES.contains(method) && !developerApi) {
            add(operation, "409", "conflicts with the resource's state or with existing data "
                    + "(e.g. a name already taken, or a change made concurrently)");
        }
    }

    private static void add(Operation operation, String status, String description) {
        if (!operation.getResponses().containsKey(status)) {
            operation.getResponses().addApiResponse(status, new ApiResponse().description(description));
        }
    }

    /** An error answer is a problem document, unless the operation answers with a page of its own (HTML). */
    private static void asProblem(ApiResponse response) {
        Content content = response.getContent();
        boolean ownMediaType = content != null && content.keySet().stream()
                .anyMatch(type -> !type.equals("*/*") && !type.contains("json"));
        if (ownMediaType) {
            return;
        }
        response.setContent(new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref(PROBLEM_REF))));
    }

    private static Schema<?> problemDetail() {
        return new ObjectSchema()
                .description("RFC 9457 problem details; 400s list each bad field in errors, 429s carry "
                        + "retry_after_seconds, 402s needed and balance")
                .addProperty("type", new StringSchema().format("uri-reference"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .addProperty("errors", new ArraySchema()
                        .items(new Schema<>().$ref("#/components/schemas/FieldProblem")))
                .addProperty("retry_after_seconds", new IntegerSchema().format("int64"))
                .required(List.of("type", "title", "status"));
    }

    /**
     * Response-only record schemas promise every property and only allow null where the record says so. A schema
     * that also describes a request body keeps its request rules (optional fields may simply be left out).
     */
    private void promiseResponseProperties(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        Set<String> requestSchemas = reachable(openApi, schemas, true);
        Set<String> responseSchemas = reachable(openApi, schemas, false);
        records.promises().forEach((name, promise) -> {
            Schema<?> schema = schemas.get(name);
            if (schema == null || schema.getProperties() == null) {
                return;
            }
            if (requestSchemas.contains(name)) {
                // unknown properties are refused (spring.jackson.deserialization.fail-on-unknown-properties)
                schema.setAdditionalProperties(Boolean.FALSE);
                // an optional request property may also be sent as null: the same as leaving it out
                promise.components().forEach((property, component) -> {
                    Schema<?> p = schema.getProperties().get(property);
                    boolean required = schema.getRequired() != null && schema.getRequired().contains(property);
                    if (p != null && !required && !component.getType().isPrimitive()) {
                        schema.getProperties().put(property, nullable(p));
                    }
                });
                return;
            }
            if (!responseSchemas.contains(name)) {
                return;
            }
            List<String> required = new ArrayList<>();
            for (String property : promise.required()) {
                if (schema.getProperties().containsKey(property)) {
                    required.add(property);
                }
            }
            schema.setRequired(required);
            promise.nullable().forEach(property -> {
                Schema<?> p = schema.getProperties().get(property);
                if (p != null) {
                    schema.getProperties().put(property, nullable(p));
                }
            });
        });
    }

    private static boolean isString(Schema<?> schema) {
        return "string".equals(schema.getType())
                || (schema.getTypes() != null && schema.getTypes().contains("string"));
    }

    private static boolean isBareObject(Schema<?> schema) {
        boolean object = "object".equals(schema.getType())
                || (schema.getTypes() != null && schema.getTypes().equals(Set.of("object")));
        return object && schema.getProperties() == null && schema.getAdditionalProperties() == null
                && schema.get$ref() == null;
    }

    /**
     * Bean Validation annotations do not target record components: javac puts them on the accessor, the field and
     * the constructor parameter instead.
     */
    private static boolean has(RecordComponent component, Class<? extends java.lang.annotation.Annotation> type) {
        return annotation(component, type) != null;
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(RecordComponent component, Class<A> type) {
        A found = component.getAnnotation(type);
        if (found == null) {
            found = component.getAccessor().getAnnotation(type);
        }
        if (found == null) {
            try {
                found = component.getDeclaringRecord().getDeclaredField(component.getName()).getAnnotation(type);
            } catch (NoSuchFieldException e) {
                return null;
            }
        }
        return found;
    }

    /** A property that may also be JSON null (OpenAPI 3.1: the type list gains "null"). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static Schema nullable(Schema schema) {
        if (schema.get$ref() != null || schema.getAllOf() != null || schema.getOneOf() != null) {
            return new Schema().anyOf(List.of(schema, new Schema().types(new LinkedHashSet<>(List.of("null")))))
                    .description(schema.getDescription());
        }
        Set<String> types = new LinkedHashSet<>();
        if (schema.getTypes() != null) {
            types.addAll(schema.getTypes());
        } else if (schema.getType() != null) {
            types.add(schema.getType());
        }
        if (types.isEmpty()) {
            return schema; // no type: anything, null included
        }
        types.add("null");
        schema.setTypes(types);
        schema.setType(null);
        if (schema.getEnum() != null && !schema.getEnum().contains(null)) {
            List<Object> values = new ArrayList<>(schema.getEnum());
            values.add(null);
            schema.setEnum(values);
        }
        return schema;
    }

    /** The component schemas reached from request bodies (requests) or from answers (responses). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Set<String> reachable(OpenAPI openApi, Map<String, Schema> schemas, boolean requests) {
        Deque<Schema> todo = new ArrayDeque<>();
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (requests && operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().values().forEach(m -> todo.add(m.getSchema()));
            }
            if (!requests && operation.getResponses() != null) {
                operation.getResponses().values().forEach(r -> {
                    if (r.getContent() != null) {
                        r.getContent().values().forEach(m -> todo.add(m.getSchema()));
                    }
                });
            }
        }));
        Set<String> names = new HashSet<>();
        while (!todo.isEmpty()) {
            Schema schema = todo.pop();
            if (schema == null) {
                continue;
            }
            if (schema.get$ref() != null) {
                String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
                if (names.add(name) && schemas.get(name) != null) {
                    todo.add(schemas.get(name));
                }
                continue;
            }
            if (schema.getProperties() != null) {
                todo.addAll(schema.getProperties().values());
            }
            if (schema.getItems() != null) {
                todo.add(schema.getItems());
            }
            if (schema.getAdditionalProperties() instanceof Schema additional) {
                todo.add(additional);
            }
            for (List<Schema> list : java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
                if (list != null) {
                    list.forEach(todo::add);
                }
            }
        }
        return names;
    }
}
