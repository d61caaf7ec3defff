// When each task of a campaign is sent: task n (0-based) at start_time + n × interval_days, unless it has a
// plan_time of its own — the same rule as the api's (README "Drive it over REST", 4c).
import dayjs, { type Dayjs } from 'dayjs';

export interface PlannedTask {
  name: string;
  plan_time?: string | null;
}

export interface TimelineEntry {
  index: number;
  name: string;
  at: Dayjs;
  /** true when the task sets its own plan_time */
  own: boolean;
  /** days after the campaign's start (may be fractional for an own plan_time) */
  dayOffset: number;
}

export function planTimes(startTime: Dayjs | string | null | undefined, intervalDays: number | null | undefined,
                          tasks: PlannedTask[]): TimelineEntry[] {
  if (!startTime) return [];
  const start = dayjs(startTime);
  const interval = intervalDays ?? 0;
  return tasks.map((task, index) => {
    const own = !!task.plan_time;
    const at = own ? dayjs(task.plan_time!) : start.add(index * interval, 'day');
    return { index, name: task.name, at, own, dayOffset: at.diff(start, 'hour') / 24 };
  });
}

/** Entries that would send out of order (a later task planned before an earlier one): worth a warning. */
export function outOfOrder(entries: TimelineEntry[]): number[] {
  return entries.filter((e, i) => i > 0 && e.at.isBefore(entries[i - 1].at)).map((e) => e.index);
}
