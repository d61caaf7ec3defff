package org.edm.domain.user;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

import java.util.List;
import java.util.Optional;

public interface UserRepository extends JpaRepository<User, Long> {

    @Query("select u from User u where lower(u.username) = lower(:username)")
    Optional<User> findByUsernameIgnoringCase(String username);

    @Query("select count(u) > 0 from User u where lower(u.username) = lower(:username)")
    boolean existsByUsernameIgnoringCase(String username);

    @Query("select count(u) > 0 from User u where lower(u.email) = lower(:email) and u.id <> :exceptId")
    boolean existsByEmailIgnoringCaseExcept(String email, long exceptId);

    /** The enabled admins, locked for this transaction: two admins cannot each remove the other at once. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from User u where u.role = org.edm.domain.user.User.Role.ADMIN and u.enabled = true")
    List<User> lockEnabledAdmins();

    @Query("select count(u) > 0 from User u where u.role = org.edm.domain.user.User.Role.ADMIN "
            + "and u.enabled = true and u.passwordHash is not null")
    boolean existsAdminWhoCanSignIn();
}
