package org.edm.activities.tracking;

import org.edm.activities.delivery.DeliveryClaims;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.tracking.EngagementEvents;
import org.edm.domain.tracking.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens recorded by the tracking side set the campaign labels that the next task's recipient rule selects on:
 * task 2 "to those who did not open" goes exactly to the contacts without a person's open of task 1's mail
 * (a privacy proxy's prefetch is no open).
 */
class LabelsDriveNextTaskTests {

    static ActivitiesHarness harness;

    @BeforeAll
    static void start() {
        harness = new ActivitiesHarness();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void theSecondTaskGoesExactlyToThoseWhoDidNotOpenTheFirst() {
        var f = harness.fixtures;
        var jdbc = f.jdbc();
        List<Long> contacts = f.contacts(1, "lab", 4, "lab");
        long set = f.templateSet(1, f.template(1, "s", "<p>b {{unsubscribe_url}}</p>"));
        long campaign = f.campaign(1, "labels");
        long task1 = f.task(campaign, 1, "{\"include_tags\": [\"lab\"]}", set);
        long task2 = f.task(campaign, 1,
                "{\"include_tags\": [\"lab\"], \"include_labels\": [\"unopened_in_campaign\"]}", set);
        var tasks = harness.taskActivities(null);

        assertThat(tasks.materializeDeliveries(task1).audienceSize()).isEqualTo(4);
        // task 1 sent: outcome and send facts recorded the way the send path records them
        jdbc.update("UPDATE deliveries SET status = 'SENT', sent_at = now() - interval '1 hour', claim_token = 'c1' "
                + "WHERE task_id = ?", task1);
        new DeliveryClaims(harness.jdbc, harness.tx).recordSendEvents("c1");
        EngagementEvents events = new EngagementEvents(harness.jdbc);
        open(events, task1, contacts.get(0), false);
        open(events, task1, contacts.get(0), false);
        open(events, task1, contacts.get(1), false);
        open(events, task1, contacts.get(2), true); // Apple Mail Privacy Protection prefetch

        tasks.materializeDeliveries(task2);

        assertThat(jdbc.queryForList("SELECT contact_id FROM deliveries WHERE task_id = ? AND status = 'PENDING' "
                + "ORDER BY contact_id", Long.class, task2)).containsExactly(contacts.get(2), contacts.get(3));
    }

    private void open(EngagementEvents events, long taskId, long contactId, boolean machine) {
        String token = harness.fixtures.jdbc().queryForObject(
                "SELECT token FROM deliveries WHERE task_id = ? AND contact_id = ?", String.class, taskId, contactId);
        events.record(events.byToken(token).orElseThrow(), new EngagementEvents.Event(EventType.OPEN, machine,
                Instant.now(), "Mozilla/5.0", null, null, null, false));
    }
}
