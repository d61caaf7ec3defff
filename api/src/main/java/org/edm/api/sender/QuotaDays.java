package org.edm.api.sender;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;

/**
 * The admin view's reading of a service's quota day. Same rule as the send path's
 * {@code org.edm.activities.delivery.QuotaDay} (the api may not depend on activities): the day starts at the
 * service's reset time, wall clock in its zone; a reset inside a DST gap happens when the clock jumps over it.
 */
public final class QuotaDays {

    private QuotaDays() {
    }

    public static ZoneId zone(String timeZone) {
        try {
            return timeZone == null || timeZone.isBlank() ? ZoneId.of("Asia/Shanghai") : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return ZoneId.of("Asia/Shanghai");
        }
    }

    public static LocalDate of(Instant now, LocalTime resetTime, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        return local.toLocalTime().isBefore(resetTime) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    }

    static Instant startOf(LocalDate day, LocalTime resetTime, ZoneId zone) {
        LocalDateTime reset = day.atTime(resetTime);
        ZoneOffsetTransition transition = zone.getRules().getTransition(reset);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        return ZonedDateTime.ofLocal(reset, zone, null).toInstant();
    }
}
