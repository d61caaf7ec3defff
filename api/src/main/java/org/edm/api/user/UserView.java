package org.edm.api.user;

import jakarta.annotation.Nullable;
import org.edm.domain.user.User;

import java.time.Instant;

/**
 * A user as the api shows it: never the password or its hash. {@code status} PENDING_VERIFICATION: registered
 * themselves and has not followed the verification link yet (cannot sign in); {@code signedUpAt} is set for such
 * self-registered users only.
 */
public record UserView(long id, String username, @Nullable String email, User.Role role, boolean enabled,
                       long quotaBalance,
                       @Nullable Instant lastLoginAt, @Nullable Instant lockedUntil, User.Status status,
                       @Nullable Instant emailVerifiedAt,
                       @Nullable Instant signedUpAt, Instant createdAt, Instant updatedAt) {

    static UserView of(User u) {
        return of(u, null);
    }

    /** {@code lockedUntil}: when a sign-in lock (too many failed sign-ins) ends, null if none holds. */
    static UserView of(User u, Instant lockedUntil) {
        return new UserView(u.getId(), u.getUsername(), u.getEmail(), u.getRole(), u.isEnabled(),
                u.getQuotaBalance(), u.getLastLoginAt(), lockedUntil, u.getStatus(), u.getEmailVerifiedAt(),
                u.getSignedUpAt(), u.getCreatedAt(), u.getUpdatedAt());
    }
}
