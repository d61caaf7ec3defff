package org.edm.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.media.Schema;
import jakarta.annotation.Nullable;

import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Springdoc's model resolver, with Spring's mapper (snake_case), that also remembers which record each schema was
 * made from, so that {@link ApiContract} can state which properties a response always carries and which may be
 * null. A response record's component is non-null unless it is marked {@link Nullable}; Jackson writes every
 * component (nulls too) unless the component says {@code @JsonInclude(NON_NULL)}.
 */
final class RecordSchemas extends ModelResolver {

    /**
     * What a record schema's properties promise, in JSON names: those always written (required in a response),
     * those that may be null, and the record component behind each (for its Bean Validation constraints).
     */
    record Promise(Set<String> required, Set<String> nullable, Map<String, RecordComponent> components) {
    }

    /**
     * Shared by every instance: springdoc adds each context's converter to swagger's one global ModelConverters, so
     * in a JVM with several application contexts (the tests) the schemas may be resolved by another context's
     * instance. A promise depends only on the record class, so sharing it is safe.
     */
    private static final Map<String, Promise> promises = new ConcurrentHashMap<>();
    private final ObjectMapper json;

    RecordSchemas(ObjectMapper json) {
        super(json);
        this.json = json;
    }

    @Override
    public Schema resolve(AnnotatedType annotatedType, ModelConverterContext context, Iterator<ModelConverter> next) {
        Schema schema = super.resolve(annotatedType, context, next);
        if (schema == null || annotatedType.getType() == null) {
            return schema;
        }
        JavaType type = json.constructType(annotatedType.getType());
        String name = schema.get$ref() != null ? schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1)
                : schema.getName();
        if (name != null && type.getRawClass().isRecord()) {
            promises.putIfAbsent(name, promiseOf(type));
        }
        return schema;
    }

    /** The promise of each record-made schema, by schema name. */
    Map<String, Promise> promises() {
        return promises;
    }

    private Promise promiseOf(JavaType type) {
        BeanDescription description = json.getSerializationConfig().introspect(type);
        Map<String, RecordComponent> components = new java.util.HashMap<>();
        for (RecordComponent c : type.getRawClass().getRecordComponents()) {
            components.put(c.getName(), c);
        }
        Set<String> required = new LinkedHashSet<>();
        Set<String> nullable = new LinkedHashSet<>();
        Map<String, RecordComponent> byJsonName = new java.util.LinkedHashMap<>();
        List<BeanPropertyDefinition> properties = description.findProperties();
        for (BeanPropertyDefinition property : properties) {
            RecordComponent component = components.get(property.getInternalName());
            if (component == null) {
                continue;
            }
            byJsonName.put(property.getName(), component);
            JsonInclude.Include inclusion = property.findInclusion() == null ? null
                    : property.findInclusion().getValueInclusion();
            boolean skipsNulls = inclusion == JsonInclude.Include.NON_NULL || inclusion == JsonInclude.Include.NON_ABSENT
                    || inclusion == JsonInclude.Include.NON_EMPTY;
            boolean mayBeNull = component.isAnnotationPresent(Nullable.class);
            if (!skipsNulls) {
                required.add(property.getName());
                if (mayBeNull) {
                    nullable.add(property.getName());
                }
            }
        }
        return new Promise(required, nullable, byJsonName);
    }
}
