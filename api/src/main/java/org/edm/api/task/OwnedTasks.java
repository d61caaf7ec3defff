package org.edm.api.task;

import org.edm.api.security.CurrentUser;
import org.edm.api.support.NotFoundException;
import org.edm.domain.task.Task;
import org.edm.domain.task.TaskRepository;
import org.edm.domain.task.TaskStatus;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;

/** The signed-in user's tasks, found or locked by id: another user's task is a 404, as one that does not exist. */
@Component
class OwnedTasks {

    private final TaskRepository tasks;
    private final TaskViews views;
    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final TransactionTemplate tx;

    OwnedTasks(TaskRepository tasks, TaskViews views, NamedParameterJdbcTemplate jdbc, CurrentUser currentUser,
               PlatformTransactionManager transactionManager) {
        this.tasks = tasks;
        this.views = views;
        this.jdbc = jdbc;
        this.currentUser = currentUser;
        this.tx = new TransactionTemplate(transactionManager);
    }

    Task find(long id) {
        return tasks.findByIdAndOwnerId(id, currentUser.id()).orElseThrow(() -> NotFoundException.of("task", id));
    }

    /**
     * Locks the task row (the task workflow's activities lock it too) in the caller's transaction and returns its
     * status.
     */
    TaskStatus lockStatus(long id) {
        List<String> status = jdbc.queryForList("SELECT status FROM tasks WHERE id = :id AND owner_id = :owner "
                + "FOR UPDATE", Map.of("id", id, "owner", currentUser.id()), String.class);
        if (status.isEmpty()) {
            throw NotFoundException.of("task", id);
        }
        return TaskStatus.valueOf(status.get(0));
    }

    TaskView view(long id) {
        return tx.execute(status -> views.of(find(id)));
    }
}
