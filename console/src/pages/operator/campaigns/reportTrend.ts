import dayjs from 'dayjs';

/** One bucket of GET /v1/{campaigns|tasks}/{id}/report/timeline. */
export interface TimelinePoint {
  start: string;
  sent: number;
  bounced: number;
  opened: number;
  clicked: number;
  replied: number;
  unsubscribed: number;
}

export interface ReportTimeline {
  bucket: 'hour' | 'day';
  time_zone: string;
  points: TimelinePoint[];
}

export const TREND_METRICS = ['sent', 'opened', 'clicked', 'replied', 'unsubscribed'] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

export interface TrendBox {
  width: number;
  height: number;
  /** room for the y labels on the left and the x labels below */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

export const DEFAULT_BOX: TrendBox = { width: 720, height: 240, left: 44, bottom: 28, top: 8, right: 12 };

export interface TrendShape {
  /** the y axis' top: the largest count rounded up to 1, 2 or 5 × 10^k, so gridlines fall on round numbers */
  max: number;
  yTicks: { value: number; y: number }[];
  xTicks: { label: string; x: number }[];
  /** one SVG polyline "x,y x,y …" per metric, in TREND_METRICS order (or `cumulative` running totals) */
  lines: { metric: TrendMetric; points: string; total: number }[];
}

/** 1, 2 or 5 × 10^k at or above `v` (at least 1). */
export function niceMax(v: number): number {
  if (v <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= v) return step * power;
  }
  return 10 * power;
}

/** The label of a bucket in the browser's time zone (the page asks for buckets in it). */
export function bucketLabel(start: string, bucket: 'hour' | 'day'): string {
  return dayjs(start).format(bucket === 'hour' ? 'MM-DD HH:00' : 'YYYY-MM-DD');
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Lays the timeline out in an SVG box: x spreads the buckets evenly (a single bucket sits in the middle), y scales
 * counts to `max`; at most `maxXTicks` bucket labels, evenly picked and always including the first and the last.
 * With `cumulative`, each line is the running total, so its last point is the report's total.
 */
export function shapeTrend(timeline: ReportTimeline, cumulative = false, box: TrendBox = DEFAULT_BOX,
                           maxXTicks = 6): TrendShape {
  const { points, bucket } = timeline;
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const x = (i: number) => round(box.left + (points.length <= 1 ? plotW / 2 : (i * plotW) / (points.length - 1)));
  const series = TREND_METRICS.map((metric) => {
    let running = 0;
    const values = points.map((p) => (cumulative ? (running += p[metric]) : p[metric]));
    return { metric, values, total: points.reduce((sum, p) => sum + p[metric], 0) };
  });
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const y = (v: number) => round(box.top + plotH - (v / max) * plotH);
  const yTicks = [0, max / 2, max].filter((v) => Number.isInteger(v)).map((value) => ({ value, y: y(value) }));
  const xTicks: TrendShape['xTicks'] = [];
  if (points.length > 0) {
    const count = Math.min(points.length, Math.max(2, maxXTicks));
    const picked = new Set<number>();
    for (let k = 0; k < count; k++) {
      picked.add(count === 1 ? 0 : Math.round((k * (points.length - 1)) / (count - 1)));
    }
    [...picked].sort((a, b) => a - b)
      .forEach((i) => xTicks.push({ label: bucketLabel(points[i].start, bucket), x: x(i) }));
  }
  return {
    max,
    yTicks,
    xTicks,
    lines: series.map((s) => ({ metric: s.metric, total: s.total,
      points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ') })),
  };
}
