package org.edm.api.support;

/**
 * Bounds of every paged list ({@code ?page=&size=}, pages start at 0). Each list's page parameter carries
 * {@code @Min(0) @Max(Paging.MAX_PAGE)} and its size {@code @Min(1) @Max(its own maximum)}, so a page number out of
 * range is a 400 naming {@code page} (and the bounds are in the OpenAPI contract). The cap exists because the row
 * offset (page × size) is an {@code int} in JPA ({@code setFirstResult}): unchecked, page 956,263,328 overflowed it
 * into a 500. With sizes of at most {@link #MAX_SIZE} the offset stays below 2^31.
 */
public final class Paging {

    /** The highest page number any list accepts (far beyond any real list: a million pages). */
    public static final int MAX_PAGE = 1_000_000;

    /** No list's page size may be larger; each list may choose a smaller maximum. */
    public static final int MAX_SIZE = 500;

    private Paging() {
    }
}
