import { describe, expect, it } from 'vitest';
import { bucketLabel, niceMax, shapeTrend, type ReportTimeline, type TimelinePoint } from './reportTrend';

const BOX = { width: 120, height: 110, left: 10, right: 10, top: 0, bottom: 10 }; // plot: 100 × 100

function point(start: string, v: Partial<TimelinePoint>): TimelinePoint {
  return { start, sent: 0, bounced: 0, opened: 0, clicked: 0, replied: 0, unsubscribed: 0, ...v };
}

const timeline: ReportTimeline = {
  bucket: 'hour',
  time_zone: 'UTC',
  points: [
    point('2026-03-01T00:00:00Z', { sent: 40, opened: 3 }),
    point('2026-03-01T01:00:00Z', { sent: 30, opened: 10, clicked: 2 }),
    point('2026-03-01T02:00:00Z', { opened: 5, replied: 1, unsubscribed: 1 }),
  ],
};

const coords = (points: string) => points.split(' ').map((xy) => xy.split(',').map(Number));

describe('report trend chart', () => {
  it('rounds the y axis up to 1, 2 or 5 × 10^k', () => {
    expect([0, 1, 3, 40, 70, 101, 2000].map(niceMax)).toEqual([1, 1, 5, 50, 100, 200, 2000]);
  });

  it('spreads the buckets over the width and scales counts to the rounded maximum', () => {
    const shape = shapeTrend(timeline, false, BOX);
    expect(shape.max).toBe(50);
    const sent = shape.lines.find((l) => l.metric === 'sent')!;
    expect(coords(sent.points)).toEqual([[10, 20], [60, 40], [110, 100]]);
    expect(sent.total).toBe(70);
    expect(shape.lines.map((l) => l.metric)).toEqual(['sent', 'opened', 'clicked', 'replied', 'unsubscribed']);
    expect(shape.yTicks.map((t) => [t.value, t.y])).toEqual([[0, 100], [25, 50], [50, 0]]);
  });

  it('draws running totals that end at the report totals', () => {
    const shape = shapeTrend(timeline, true, BOX);
    expect(shape.max).toBe(100);
    const opened = shape.lines.find((l) => l.metric === 'opened')!;
    expect(coords(opened.points).map(([, y]) => y)).toEqual([97, 87, 82]); // 3, 13, 18 of 100
    expect(opened.total).toBe(18);
  });

  it('labels at most the requested number of buckets, always the first and the last', () => {
    const many: ReportTimeline = { bucket: 'day', time_zone: 'UTC', points: Array.from({ length: 30 }, (_, i) =>
      point(`2026-03-${String(i + 1).padStart(2, '0')}T12:00:00Z`, { sent: i })) };
    const shape = shapeTrend(many, false, BOX, 4);
    expect(shape.xTicks.map((t) => t.label)).toEqual([
      bucketLabel(many.points[0].start, 'day'), bucketLabel(many.points[10].start, 'day'),
      bucketLabel(many.points[19].start, 'day'), bucketLabel(many.points[29].start, 'day')]);
    expect(shape.xTicks[0].x).toBe(10);
    expect(shape.xTicks[3].x).toBe(110);
  });

  it('puts a single bucket in the middle and has nothing to draw without buckets', () => {
    const one = shapeTrend({ bucket: 'hour', time_zone: 'UTC', points: [point('2026-03-01T00:00:00Z', { sent: 1 })] },
      false, BOX);
    expect(coords(one.lines[0].points)).toEqual([[60, 0]]);
    const none = shapeTrend({ bucket: 'hour', time_zone: 'UTC', points: [] }, false, BOX);
    expect(none.max).toBe(1);
    expect(none.xTicks).toEqual([]);
    expect(none.lines.every((l) => l.points === '' && l.total === 0)).toBe(true);
  });
});
