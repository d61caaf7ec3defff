package org.edm.domain.sender;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;

/**
 * A sender service's quota day: the day its {@code used_today} belongs to. It starts at the service's reset
 * time (HH:MM, wall clock in its zone, Asia/Shanghai unless set), so with reset 08:00 the quota day of 07:59 is
 * still yesterday.
 *
 * <p>Wall-clock comparisons keep this right across daylight-saving changes: when the reset time falls in a gap
 * the new day starts when the clock jumps over it; when it falls in an overlap the day starts at its first
 * occurrence (and callers never move a stored quota day backwards, see {@link #max}).
 *
 * <p>The one reading of the rule for the send path (activities) and the admin's view and gauges (api).
 */
public final class QuotaDay {

    private QuotaDay() {
    }

    public static LocalDate of(Instant now, LocalTime resetTime, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        return local.toLocalTime().isBefore(resetTime) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    }

    /** When the quota day {@code day} ends, i.e. the next reset. */
    public static Instant endOf(LocalDate day, LocalTime resetTime, ZoneId zone) {
        LocalDateTime reset = day.plusDays(1).atTime(resetTime);
        ZoneOffsetTransition transition = zone.getRules().getTransition(reset);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        // in an overlap ofLocal keeps the earlier offset: the first time the wall clock shows the reset time
        return ZonedDateTime.ofLocal(reset, zone, null).toInstant();
    }

    /** When the quota day {@code day} starts: the reset that ends the day before. */
    public static Instant startOf(LocalDate day, LocalTime resetTime, ZoneId zone) {
        return endOf(day.minusDays(1), resetTime, zone);
    }

    public static LocalDate max(LocalDate a, LocalDate b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /** The service's zone; Asia/Shanghai when it has none or an unknown one. */
    public static ZoneId zone(String timeZone) {
        try {
            return timeZone == null || timeZone.isBlank() ? ZoneId.of("Asia/Shanghai") : ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            return ZoneId.of("Asia/Shanghai");
        }
    }
}
