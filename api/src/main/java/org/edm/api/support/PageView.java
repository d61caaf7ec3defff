package org.edm.api.support;

import org.springframework.data.domain.Page;

import java.util.List;
import java.util.function.Function;

/** One page of a list: the items plus where the page sits (page numbers start at 0). */
public record PageView<T>(List<T> items, int page, int size, long totalItems, int totalPages) {

    public static <E, T> PageView<T> of(Page<E> page, Function<E, T> view) {
        return new PageView<>(page.getContent().stream().map(view).toList(), page.getNumber(), page.getSize(),
                page.getTotalElements(), page.getTotalPages());
    }
}
