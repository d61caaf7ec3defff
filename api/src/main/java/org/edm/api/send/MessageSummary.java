package org.edm.api.send;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/** A message in a list: what {@link MessageView} shows without its events. */
record MessageSummary(String id, String status, String from, String to, String subject, @Nullable String campaignId,
                      List<String> tags, Instant createdAt, @Nullable Instant sentAt, @Nullable String error) {
}
