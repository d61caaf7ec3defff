package org.edm.api.user;

import org.edm.api.security.AuthTokens;
import org.edm.api.security.CurrentUser;
import org.edm.api.security.Passwords;
import org.edm.api.security.SignIn;
import org.edm.api.support.ConflictException;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.PageView;
import org.edm.api.support.Addresses;
import org.edm.domain.user.User;
import org.edm.domain.user.UserRepository;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;

/**
 * User accounts (F22), admins only. Disabling a user or resetting their password ends their sessions at once; no
 * change may leave the system without an enabled admin. Passwords are hashed here and never leave.
 */
@Service
class UserAdmin {

    private final UserRepository users;
    private final CurrentUser currentUser;
    private final Passwords passwords;
    private final AuthTokens tokens;
    private final SignIn signIn;
    private final JdbcTemplate jdbc;

    UserAdmin(UserRepository users, CurrentUser currentUser, Passwords passwords, AuthTokens tokens, SignIn signIn,
              JdbcTemplate jdbc) {
        this.users = users;
        this.currentUser = currentUser;
        this.passwords = passwords;
        this.tokens = tokens;
        this.signIn = signIn;
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    PageView<UserView> list(int page, int size) {
        currentUser.requireAdmin();
        return PageView.of(users.findAll(PageRequest.of(page, size, Sort.by("id"))), this::view);
    }

    @Transactional(readOnly = true)
    UserView get(long id) {
        currentUser.requireAdmin();
        return view(find(id));
    }

    @Transactional(readOnly = true)
    UserView me() {
        return UserView.of(find(currentUser.id()));
    }

    @Transactional
    UserView create(UserRequests.Create request) {
        currentUser.requireAdmin();
        List<FieldProblem> problems = new ArrayList<>();
        String email = request.email().trim();
        checkEmail(email, problems);
        Passwords.problem(request.password()).ifPresent(p -> problems.add(new FieldProblem("password", p)));
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        if (users.existsByUsernameIgnoringCase(request.username())) {
            throw new ConflictException("the username '" + request.username() + "' is taken");
        }
        requireEmailFree(email, -1);
        User user = users.saveAndFlush(new User(request.username(), email, passwords.hash(request.password()),
                request.role()));
        return UserView.of(user);
    }

    @Transactional
    UserView update(long id, UserRequests.Update request) {
        currentUser.requireAdmin();
        User user = find(id);
        List<FieldProblem> problems = new ArrayList<>();
        String email = request.email().trim();
        checkEmail(email, problems);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        requireEmailFree(email, id);
        boolean staysAdmin = request.role() == User.Role.ADMIN && request.enabled();
        if (!staysAdmin) {
            requireAnotherEnabledAdmin(user, request.enabled() ? "made an operator" : "disabled");
        }
        user.setEmail(email);
        user.setRole(request.role());
        if (user.isEnabled() && !request.enabled()) {
            tokens.revokeAllOf(id);
        }
        user.setEnabled(request.enabled());
        return view(users.saveAndFlush(user));
    }

    @Transactional
    UserView resetPassword(long id, UserRequests.PasswordReset request) {
        currentUser.requireAdmin();
        User user = find(id);
        Passwords.problem(request.password()).ifPresent(p -> {
            throw new InvalidInputException("password", p);
        });
        user.setPasswordHash(passwords.hash(request.password()));
        tokens.revokeAllOf(id);
        signIn.forgetFailures(user.getUsername());
        return view(users.saveAndFlush(user));
    }

    /** Lifts a sign-in lock (too many failed sign-ins) without changing the password. */
    @Transactional
    UserView unlock(long id) {
        currentUser.requireAdmin();
        User user = find(id);
        signIn.forgetFailures(user.getUsername());
        return view(user);
    }

    /** The admin's view of a user: with the end of a sign-in lock, if one holds now. */
    private UserView view(User user) {
        return UserView.of(user, signIn.lockedUntil(user.getUsername()));
    }

    /** Removes a user who owns nothing and appears nowhere; anyone else is disabled instead, keeping their data. */
    @Transactional
    void delete(long id) {
        currentUser.requireAdmin();
        User user = find(id);
        requireAnotherEnabledAdmin(user, "deleted");
        tokens.revokeAllOf(id);
        if (isReferenced(id)) {
            user.setEnabled(false);
            users.saveAndFlush(user);
        } else {
            users.delete(user);
            users.flush();
        }
    }

    private User find(long id) {
        return users.findById(id).orElseThrow(() -> NotFoundException.of("user", id));
    }

    private static void checkEmail(String email, List<FieldProblem> problems) {
        if (!Addresses.isEmail(email)) {
            problems.add(new FieldProblem("email", "is not a valid e-mail address"));
        }
    }

    private void requireEmailFree(String email, long exceptId) {
        if (users.existsByEmailIgnoringCaseExcept(email, exceptId)) {
            throw new ConflictException("the e-mail address '" + email + "' belongs to another user");
        }
    }

    /** The enabled admins are locked first, so two admins cannot remove each other at the same moment. */
    private void requireAnotherEnabledAdmin(User user, String change) {
        if (!user.isAdmin() || !user.isEnabled()) {
            return;
        }
        boolean another = users.lockEnabledAdmins().stream().anyMatch(admin -> !admin.getId().equals(user.getId()));
        if (!another) {
            throw new ConflictException("'" + user.getUsername() + "' is the last enabled admin and cannot be "
                    + change + "; make another user an admin first");
        }
    }

    /** Whether any row of any table points at the user through a foreign key that does not cascade. */
    private boolean isReferenced(long id) {
        List<String> probes = jdbc.queryForList("""
                select 'select exists (select 1 from ' || c.conrelid::regclass::text || ' where '
                       || quote_ident(a.attname) || ' = ?)'
                from pg_constraint c
                join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
                where c.contype = 'f' and c.confrelid = 'users'::regclass and c.confdeltype <> 'c'
                """, String.class);
        for (String probe : probes) {
            if (Boolean.TRUE.equals(jdbc.queryForObject(probe, Boolean.class, id))) {
                return true;
            }
        }
        return false;
    }
}
