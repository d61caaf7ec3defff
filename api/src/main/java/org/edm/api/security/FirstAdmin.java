package org.edm.api.security;

import org.edm.domain.user.User;
import org.edm.domain.user.UserRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On start-up, before the api takes requests: while no enabled admin has a password, the admin named by
 * {@code edm.bootstrap.admin-username} gets {@code edm.bootstrap.admin-password} (an existing user of that name,
 * e.g. V1's user 1 'admin', is kept so its data stays owned; else the user is created). Once an admin can sign
 * in, these settings are ignored: later changes go through the api. The password is never logged.
 */
@Component
class FirstAdmin implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

    private final UserRepository users;
    private final Passwords passwords;
    private final FirstAdminSettings settings;
    private final TransactionTemplate transaction;

    FirstAdmin(UserRepository users, Passwords passwords, FirstAdminSettings settings,
               TransactionTemplate transaction) {
        this.users = users;
        this.passwords = passwords;
        this.settings = settings;
        this.transaction = transaction;
    }

    @Override
    public void afterSingletonsInstantiated() {
        transaction.executeWithoutResult(status -> ensureAnAdminCanSignIn());
    }

    void ensureAnAdminCanSignIn() {
        if (users.existsAdminWhoCanSignIn()) {
            return;
        }
        if (!settings.isSet()) {
            log.warn("No admin can sign in yet. Set EDM_ADMIN_USERNAME and EDM_ADMIN_PASSWORD (at least {} "
                    + "characters; optionally EDM_ADMIN_EMAIL), i.e. edm.bootstrap.admin-username / "
                    + "admin-password / admin-email, and restart: the first admin is set up from them.",
                    Passwords.MIN_LENGTH);
            return;
        }
        String username = settings.adminUsername().trim();
        if (username.length() > 100) {
            throw new IllegalStateException("EDM_ADMIN_USERNAME (edm.bootstrap.admin-username) is longer than 100");
        }
        Passwords.problem(settings.adminPassword()).ifPresent(problem -> {
            throw new IllegalStateException("EDM_ADMIN_PASSWORD (edm.bootstrap.admin-password) " + problem);
        });
        String email = settings.adminEmail() == null || settings.adminEmail().isBlank()
                ? null : settings.adminEmail().trim();
        User admin = users.findByUsernameIgnoringCase(username).orElse(null);
        long exceptId = admin == null ? -1 : admin.getId();
        if (email != null && users.existsByEmailIgnoringCaseExcept(email, exceptId)) {
            log.warn("EDM_ADMIN_EMAIL is already another user's e-mail; the first admin is set up without it");
            email = null;
        }
        String hash = passwords.hash(settings.adminPassword());
        if (admin == null) {
            admin = users.save(new User(username, email, hash, User.Role.ADMIN));
            log.info("Created the first admin '{}' (id {}) from EDM_ADMIN_USERNAME / EDM_ADMIN_PASSWORD",
                    admin.getUsername(), admin.getId());
        } else {
            admin.setPasswordHash(hash);
            admin.setRole(User.Role.ADMIN);
            admin.setEnabled(true);
            if (email != null) {
                admin.setEmail(email);
            }
            log.info("The existing user '{}' (id {}) is now the first admin, with the password from "
                    + "EDM_ADMIN_PASSWORD", admin.getUsername(), admin.getId());
        }
    }
}
