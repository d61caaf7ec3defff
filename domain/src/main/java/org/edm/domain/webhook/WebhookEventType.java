package org.edm.domain.webhook;

import java.util.Arrays;
import java.util.Optional;

/** The events an operator can subscribe an endpoint to, by the {@code type} name they carry on the wire. */
public enum WebhookEventType {
    MESSAGE_DELIVERED("message.delivered"),
    MESSAGE_BOUNCED("message.bounced"),
    MESSAGE_OPENED("message.opened"),
    MESSAGE_CLICKED("message.clicked"),
    MESSAGE_UNSUBSCRIBED("message.unsubscribed"),
    MESSAGE_REPLIED("message.replied"),
    MESSAGE_FAILED("message.failed"),
    TASK_FINISHED("task.finished"),
    SENDER_SERVICE_FROZEN("sender_service.frozen"),
    ALERT_RAISED("alert.raised"),
    ALERT_RESOLVED("alert.resolved");

    private final String wireName;

    WebhookEventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<WebhookEventType> ofWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
