import { describe, expect, it } from 'vitest';
import { outOfOrder, planTimes } from './timeline';

describe('campaign timeline', () => {
  it('plans task n at T + n × Δd', () => {
    const entries = planTimes('2026-12-01T09:00:00+08:00', 2,
      [{ name: 'invite' }, { name: 'reminder' }, { name: 'last call' }]);
    expect(entries.map((e) => e.at.toISOString())).toEqual([
      '2026-12-01T01:00:00.000Z', '2026-12-03T01:00:00.000Z', '2026-12-05T01:00:00.000Z']);
    expect(entries.map((e) => e.dayOffset)).toEqual([0, 2, 4]);
    expect(entries.every((e) => !e.own)).toBe(true);
  });

  it('keeps a task\'s own plan time and flags a task planned before the one before it', () => {
    const entries = planTimes('2026-12-01T00:00:00Z', 3, [
      { name: 'a' }, { name: 'b', plan_time: '2026-12-01T12:00:00Z' }, { name: 'c', plan_time: '2026-11-30T00:00:00Z' }]);
    expect(entries[1]).toMatchObject({ own: true, dayOffset: 0.5 });
    expect(outOfOrder(entries)).toEqual([2]);
  });

  it('has nothing to show without a start time; Δd 0 sends every task at T', () => {
    expect(planTimes(undefined, 2, [{ name: 'a' }])).toEqual([]);
    expect(planTimes('2026-12-01T00:00:00Z', 0, [{ name: 'a' }, { name: 'b' }])
      .map((e) => e.dayOffset)).toEqual([0, 0]);
  });
});
