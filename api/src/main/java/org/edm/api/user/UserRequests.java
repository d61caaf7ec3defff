package org.edm.api.user;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.edm.domain.user.User;

/** Request bodies of the user admin endpoints. Their toString never shows a password. */
final class UserRequests {

    private UserRequests() {
    }

    static final String USERNAME = "[A-Za-z0-9][A-Za-z0-9._@-]{2,99}";
    static final String USERNAME_RULE = "3 to 100 letters, digits, '.', '_', '@' or '-', starting with a letter or digit";

    record Create(@NotBlank @Pattern(regexp = USERNAME, message = USERNAME_RULE) String username,
                  @NotBlank @Size(max = 254) String email,
                  @NotNull String password,
                  @NotNull User.Role role) {

        @Override
        public String toString() {
            return "Create[username=" + username + ", email=" + email + ", role=" + role + "]";
        }
    }

    record Update(@NotBlank @Size(max = 254) String email, @NotNull User.Role role, @NotNull Boolean enabled) {
    }

    record PasswordReset(@NotNull String password) {

        @Override
        public String toString() {
            return "PasswordReset[]";
        }
    }
}
