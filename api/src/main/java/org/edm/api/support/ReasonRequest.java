package org.edm.api.support;

import jakarta.validation.constraints.Size;

/** Optional body of pause and cancel: the operator's reason, shown with the state change and in the log. */
public record ReasonRequest(@Size(max = 500) String reason) {

    /** The reason of an optional body. */
    public static String of(ReasonRequest request) {
        return request == null ? null : request.reason();
    }
}
