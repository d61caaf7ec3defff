package org.edm.api.support;

import java.io.IOException;

/**
 * A request body went past its limit while being read (a chunked body has no Content-Length to check up front).
 * An {@link IOException}, so it leaves whatever is reading the body; the api answers 413.
 */
public class BodyTooLargeException extends IOException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
