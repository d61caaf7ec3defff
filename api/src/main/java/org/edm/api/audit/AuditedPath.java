package org.edm.api.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a mutating request changes, read from its mapped path pattern alone, so no controller has to say it:
 * {@code POST /v1/campaigns} creates a campaign, {@code PUT /v1/tasks/{id}} updates task {@code id},
 * {@code POST /v1/admin/sender-services/{id}/unfreeze} is UNFREEZE of sender_service {@code id},
 * {@code POST /v1/contacts/import} is IMPORT of contact. The {@code v1} and {@code admin} segments are not
 * resources.
 *
 * @param method     the HTTP method
 * @param id         the last path variable's value; null for a create or a collection action
 * @param resource   singular snake_case name of the resource that variable (or a created id) names
 * @param collection for a call without id: the singular name of the segment before the last one
 * @param tail       literal segments after the id ({@code unfreeze}), or the last segment of a collection call
 * @param pictures   path patterns whose GET shows the resource, most specific first
 * @param variables  the request's path variables, to fill those patterns
 */
record AuditedPath(String method, String id, String resource, String collection, String tail,
                   List<String> pictures, Map<String, String> variables) {

    static AuditedPath of(String method, String pattern, Map<String, String> variables) {
        String[] segments = pattern.replaceAll("^/+", "").split("/");
        int lastVariable = -1;
        for (int i = 0; i < segments.length; i++) {
            if (isVariable(segments[i])) {
                lastVariable = i;
            }
        }
        List<String> pictures = new ArrayList<>();
        if (lastVariable > 0) {
            String name = segments[lastVariable].substring(1, segments[lastVariable].length() - 1);
            String tail = String.join("_", Arrays.copyOfRange(segments, lastVariable + 1, segments.length));
            if (!tail.isEmpty()) {
                pictures.add(pattern);
            }
            pictures.add("/" + String.join("/", Arrays.copyOfRange(segments, 0, lastVariable + 1)));
            String resource = singular(segments[lastVariable - 1]);
            return new AuditedPath(method, variables.get(name), resource, resource, tail, pictures, variables);
        }
        List<String> literals = Arrays.stream(segments).filter(s -> !s.equals("v1") && !s.equals("admin")).toList();
        String last = literals.isEmpty() ? "api" : literals.get(literals.size() - 1);
        String previous = literals.size() < 2 ? last : literals.get(literals.size() - 2);
        pictures.add(pattern + "/{id}");
        return new AuditedPath(method, null, singular(last), singular(previous), last, pictures, variables);
    }

    /**
     * The entity: a collection POST that answered with an id created one of {@code resource}; one that did not
     * was an action ({@code tail}) on {@code collection}, e.g. contacts/import.
     */
    String entity(boolean created) {
        return id != null || created ? resource : collection;
    }

    /** The audit action; {@code created} when a collection POST answered with the new resource's id. */
    String action(boolean created) {
        if (id == null) {
            return created ? "CREATE" : upper(tail);
        }
        String verb = switch (method) {
            case "DELETE" -> "DELETE";
            case "POST" -> "";
            default -> "UPDATE";
        };
        if (tail.isEmpty()) {
            return verb.isEmpty() ? "UPDATE" : verb;
        }
        return verb.isEmpty() ? upper(tail) : verb + "_" + upper(tail);
    }

    /** Path variables with {@code id} set, for the picture of a resource a POST has just created. */
    Map<String, String> variablesWithId(String newId) {
        Map<String, String> all = new LinkedHashMap<>(variables);
        if (newId != null) {
            all.putIfAbsent("id", newId);
        }
        return all;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String upper(String s) {
        return s.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static String singular(String collection) {
        String name = collection.replace('-', '_');
        if (name.endsWith("ies")) {
            return name.substring(0, name.length() - 3) + "y";
        }
        if (name.endsWith("xes") || name.endsWith("ches") || name.endsWith("shes")) {
            return name.substring(0, name.length() - 2); // mailboxes -> mailbox
        }
        return name.endsWith("s") && !name.endsWith("ss") ? name.substring(0, name.length() - 1) : name;
    }
}
