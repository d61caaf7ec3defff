import Typography from 'antd/es/typography';

export interface BarSeries {
  label: string;
  color: string;
  values: number[];
}

/**
 * Grouped horizontal bars without a chart library (keeps the bundle small): one group per category (a metric),
 * one bar per series (a template), each labelled with its value; screen readers get a table-like list.
 */
export default function BarChart({ categories, series, format = (v) => String(v) }: {
  categories: string[];
  series: BarSeries[];
  format?: (v: number) => string;
}) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  return (
    <div role="list" data-testid="bar-chart">
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap', marginBottom: 8 }}>
        {series.map((s) => (
          <span key={s.label}>
            <span style={{ display: 'inline-block', width: 12, height: 12, background: s.color, marginRight: 4 }} />
            {s.label}
          </span>
        ))}
      </div>
      {categories.map((category, c) => (
        <div key={category} role="listitem" style={{ marginBottom: 12 }}>
          <Typography.Text strong>{category}</Typography.Text>
          {series.map((s) => (
            <div key={s.label} style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 2 }}
                 aria-label={`${category} · ${s.label}: ${format(s.values[c] ?? 0)}`}>
              <div style={{ flex: 1, background: '#f5f5f5', height: 14 }}>
                <div style={{ width: `${((s.values[c] ?? 0) / max) * 100}%`, background: s.color, height: '100%',
                              minWidth: s.values[c] ? 2 : 0 }} />
              </div>
              <span style={{ width: 72, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                {format(s.values[c] ?? 0)}
              </span>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
