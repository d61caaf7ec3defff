package org.edm.domain.sender;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaDayTests {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void theQuotaDayStartsAtTheResetTimeInTheServicesZone() {
        LocalTime reset = LocalTime.of(8, 0);
        // 07:59 and 08:00 Beijing time on 2026-03-10
        assertThat(QuotaDay.of(Instant.parse("2026-03-09T23:59:00Z"), reset, SHANGHAI))
                .isEqualTo(LocalDate.of(2026, 3, 9));
        assertThat(QuotaDay.of(Instant.parse("2026-03-10T00:00:00Z"), reset, SHANGHAI))
                .isEqualTo(LocalDate.of(2026, 3, 10));
        assertThat(QuotaDay.endOf(LocalDate.of(2026, 3, 9), reset, SHANGHAI))
                .isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
    }

    @Test
    void midnightResetIsTheCalendarDay() {
        assertThat(QuotaDay.of(Instant.parse("2026-03-09T16:00:00Z"), LocalTime.MIDNIGHT, SHANGHAI))
                .isEqualTo(LocalDate.of(2026, 3, 10));
    }

    @Test
    void aResetInsideTheSpringForwardGapHappensWhenTheClockJumps() {
        // 2026-03-08 02:00 EST -> 03:00 EDT; 02:30 never shows on the wall clock
        LocalTime reset = LocalTime.of(2, 30);
        Instant jump = Instant.parse("2026-03-08T07:00:00Z");
        assertThat(QuotaDay.endOf(LocalDate.of(2026, 3, 7), reset, NEW_YORK)).isEqualTo(jump);
        assertThat(QuotaDay.of(jump.minusSeconds(1), reset, NEW_YORK)).isEqualTo(LocalDate.of(2026, 3, 7));
        assertThat(QuotaDay.of(jump, reset, NEW_YORK)).isEqualTo(LocalDate.of(2026, 3, 8));
    }

    @Test
    void aResetInsideTheFallBackOverlapHappensAtItsFirstOccurrence() {
        // 2026-11-01 02:00 EDT -> 01:00 EST; 01:30 shows twice
        LocalTime reset = LocalTime.of(1, 30);
        Instant first = Instant.parse("2026-11-01T05:30:00Z");
        assertThat(QuotaDay.endOf(LocalDate.of(2026, 10, 31), reset, NEW_YORK)).isEqualTo(first);
        assertThat(QuotaDay.of(first, reset, NEW_YORK)).isEqualTo(LocalDate.of(2026, 11, 1));
        // the second 01:10 looks like "before the reset" again; callers never move a stored day backwards
        LocalDate later = QuotaDay.of(Instant.parse("2026-11-01T06:10:00Z"), reset, NEW_YORK);
        assertThat(QuotaDay.max(LocalDate.of(2026, 11, 1), later)).isEqualTo(LocalDate.of(2026, 11, 1));
    }

    @Test
    void aDayStartsWhereTheDayBeforeEndsAcrossTheSpringGap() {
        LocalTime reset = LocalTime.of(2, 30);
        // 2026-03-08 02:30 does not exist in New York: the day starts when the clock jumps, as the day before ends
        Instant jump = Instant.parse("2026-03-08T07:00:00Z");
        assertThat(QuotaDay.startOf(LocalDate.of(2026, 3, 8), reset, NEW_YORK)).isEqualTo(jump);
        assertThat(QuotaDay.startOf(LocalDate.of(2026, 3, 10), LocalTime.of(8, 0), SHANGHAI))
                .isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
    }
}
