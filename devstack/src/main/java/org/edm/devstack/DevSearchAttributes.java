package org.edm.devstack;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import org.edm.workflows.EdmSearchAttributes;

import java.util.Locale;

/**
 * Prints the custom search attributes of {@link EdmSearchAttributes#ALL} as {@code Name=Type}, one a line, in the
 * type names of the Temporal CLI ({@code Int}, {@code Keyword}, ...). {@code bin/edm-dev} turns them into
 * {@code temporal server start-dev --search-attribute ...} flags, so the list is written once, in the workflows
 * module.
 */
public final class DevSearchAttributes {

    private DevSearchAttributes() {
    }

    public static void main(String[] args) {
        for (SearchAttributeKey<?> key : EdmSearchAttributes.ALL) {
            System.out.println(key.getName() + "=" + cliTypeName(key.getValueType()));
        }
    }

    /** {@code INDEXED_VALUE_TYPE_KEYWORD_LIST} becomes {@code KeywordList}. */
    static String cliTypeName(IndexedValueType type) {
        StringBuilder name = new StringBuilder();
        for (String part : type.name().replace("INDEXED_VALUE_TYPE_", "").split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }
}
