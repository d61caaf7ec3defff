package org.edm.api.send;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * GET /api/v1/messages/{id}: status ({@code queued, sending, sent, failed, unknown}) and the message's events in
 * time order ({@code send_success, send_fail, open, click, bounce, ...}; {@code machine} marks opens by privacy
 * proxies and scanners, {@code url} the target of a click). {@code unknown}: the provider was called but the outcome
 * was lost (a crash); such a message is never sent again.
 */
record MessageView(String id, String status, String from, String to, String subject, @Nullable String campaignId,
                   List<String> tags, Instant createdAt, @Nullable Instant sentAt, @Nullable String error,
                   List<Event> events) {

    record Event(String type, Instant at, boolean machine, @Nullable String url) {
    }
}
