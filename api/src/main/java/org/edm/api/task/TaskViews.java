package org.edm.api.task;

import org.edm.domain.task.DeliveryStatusCount;
import org.edm.domain.task.Task;
import org.edm.domain.task.TaskRepository;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns tasks into views with their delivery counts, counting all of them in one GROUP BY query. */
@Component
public class TaskViews {

    private final TaskRepository tasks;

    TaskViews(TaskRepository tasks) {
        this.tasks = tasks;
    }

    public List<TaskView> of(List<Task> list) {
        if (list.isEmpty()) {
            return List.of();
        }
        Map<Long, Map<String, Long>> counts = new HashMap<>();
        for (DeliveryStatusCount row : tasks.countDeliveriesByStatus(list.stream().map(Task::getId).toList())) {
            counts.computeIfAbsent(row.getTaskId(), id -> new HashMap<>()).put(row.getStatus(), row.getCount());
        }
        return list.stream().map(t -> TaskView.of(t, counts.containsKey(t.getId())
                ? DeliveryCountsView.of(counts.get(t.getId())) : DeliveryCountsView.NONE)).toList();
    }

    public TaskView of(Task task) {
        return of(List.of(task)).get(0);
    }
}
