package org.edm.api.sendername;

import org.edm.api.security.CurrentUser;
import org.edm.api.support.ConflictException;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.domain.task.TaskStatus;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Sender names (F14): the local part of From, created by users for their own tasks, unique across all users
 * (ignoring case, like the mail system does), listed per user, and deletable only while no unfinished task of the
 * user names it. Saving a task takes a share lock on its name and deleting the name an exclusive one, so a task
 * can never be saved with a name that is being deleted.
 */
@Service
public class SenderNames {

    /** Task states in which the name will still be used to send. */
    private static final List<String> UNFINISHED = TaskStatus.names(TaskStatus.NOT_ENDED);

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;

    SenderNames(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
    }

    record SenderNameView(long id, String name, OffsetDateTime createdAt) {
    }

    @Transactional(readOnly = true)
    List<SenderNameView> list() {
        return jdbc.query("""
                SELECT id, local_part, created_at FROM sender_names WHERE user_id = :user ORDER BY lower(local_part)
                """, new MapSqlParameterSource("user", currentUser.id()), (rs, i) -> new SenderNameView(
                rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)));
    }

    @Transactional(readOnly = true)
    SenderNameView get(long id) {
        return jdbc.query("""
                SELECT id, local_part, created_at FROM sender_names WHERE id = :id AND user_id = :user
                """, new MapSqlParameterSource("id", id).addValue("user", currentUser.id()), (rs, i) ->
                new SenderNameView(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)))
                .stream().findFirst().orElseThrow(() -> NotFoundException.of("sender name", id));
    }

    @Transactional
    SenderNameView create(String name) {
        try {
            return jdbc.queryForObject("""
                    INSERT INTO sender_names (user_id, local_part) VALUES (:user, :name)
                    RETURNING id, local_part, created_at
                    """, new MapSqlParameterSource("user", currentUser.id()).addValue("name", name), (rs, i) ->
                    new SenderNameView(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)));
        } catch (DuplicateKeyException taken) {
            // unique across users: say it is taken, not by whom
            throw new ConflictException("sender name '" + name + "' is already taken; choose another");
        }
    }

    @Transactional
    void delete(long id) {
        MapSqlParameterSource p = new MapSqlParameterSource("id", id).addValue("user", currentUser.id())
                .addValue("unfinished", UNFINISHED);
        List<String> name = jdbc.queryForList("""
                SELECT local_part FROM sender_names WHERE id = :id AND user_id = :user FOR UPDATE
                """, p, String.class);
        if (name.isEmpty()) {
            throw NotFoundException.of("sender name", id);
        }
        p.addValue("name", name.get(0));
        List<Long> users = jdbc.queryForList("""
                SELECT id FROM tasks WHERE owner_id = :user AND lower(sender_name) = lower(:name)
                   AND status IN (:unfinished) ORDER BY id LIMIT 5
                """, p, Long.class);
        if (!users.isEmpty()) {
            throw new ConflictException("sender name '" + name.get(0) + "' is used by unfinished task(s) " + users
                    + "; cancel or finish them first");
        }
        jdbc.update("DELETE FROM sender_names WHERE id = :id", p);
    }

    /**
     * Checks, inside the caller's transaction, that {@code name} is one of the current user's sender names, and
     * holds a share lock on it until that transaction ends. A problem names {@code field}.
     */
    @Transactional
    public void requireOwn(String name, String field) {
        if (name == null) {
            return;
        }
        List<Long> found = jdbc.queryForList("""
                SELECT id FROM sender_names WHERE user_id = :user AND lower(local_part) = lower(:name) FOR SHARE
                """, new MapSqlParameterSource("user", currentUser.id()).addValue("name", name), Long.class);
        if (found.isEmpty()) {
            throw new InvalidInputException(field, "'" + name
                    + "' is not one of your sender names; create it first with POST /v1/sender-names");
        }
    }
}
