import { useState } from 'react';
import Radio from 'antd/es/radio';
import Space from 'antd/es/space';
import Typography from 'antd/es/typography';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { DEFAULT_BOX, shapeTrend, TREND_METRICS, type ReportTimeline } from './reportTrend';

const COLORS: Record<(typeof TREND_METRICS)[number], string> = {
  sent: '#1677ff', opened: '#52c41a', clicked: '#fa8c16', replied: '#eb2f96', unsubscribed: '#722ed1',
};

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';

/**
 * Sent, opened, clicked, replied and unsubscribed over time as lines (an SVG of its own, no chart library), by hour
 * or day in the browser's time zone, per bucket or as running totals. `path` is a report's path, e.g.
 * /v1/tasks/7/report; the chart reloads with the report.
 */
export default function ReportTrend({ path, refreshMs }: { path: string; refreshMs?: number }) {
  const { t } = useI18n();
  const [bucket, setBucket] = useState<'hour' | 'day'>('hour');
  const [cumulative, setCumulative] = useState(false);
  const timeline = useApi((s) => api.get<ReportTimeline>(`${path}/timeline`, { bucket, time_zone: browserZone }, s),
    [path, bucket], refreshMs);
  const box = DEFAULT_BOX;
  const data = timeline.data;
  const shape = data ? shapeTrend(data, cumulative, box) : undefined;
  return (
    <div data-testid="report-trend">
      <Space wrap style={{ marginBottom: 8 }}>
        <Radio.Group size="small" value={bucket} onChange={(e) => setBucket(e.target.value)}
                     aria-label={t('report.trend.bucket')}>
          <Radio.Button value="hour">{t('report.trend.hour')}</Radio.Button>
          <Radio.Button value="day">{t('report.trend.day')}</Radio.Button>
        </Radio.Group>
        <Radio.Group size="small" value={cumulative} onChange={(e) => setCumulative(e.target.value)}
                     aria-label={t('report.trend.mode')}>
          <Radio.Button value={false}>{t('report.trend.perBucket')}</Radio.Button>
          <Radio.Button value={true}>{t('report.trend.cumulative')}</Radio.Button>
        </Radio.Group>
      </Space>
      {timeline.error && <Typography.Paragraph type="danger">{timeline.error.message}</Typography.Paragraph>}
      {data && data.points.length === 0 && <Typography.Paragraph type="secondary">{t('report.trend.empty')}</Typography.Paragraph>}
      {shape && data && data.points.length > 0 && (
        <>
          <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap', marginBottom: 4 }}>
            {shape.lines.map((l) => (
              <span key={l.metric}>
                <span style={{ display: 'inline-block', width: 12, height: 3, background: COLORS[l.metric],
                               marginRight: 4, verticalAlign: 'middle' }} />
                {t(`report.${l.metric}`)} ({l.total})
              </span>
            ))}
          </div>
          <svg viewBox={`0 0 ${box.width} ${box.height}`} width="100%" role="img"
               aria-label={`${t('report.trend.title')}: ${shape.lines.map((l) => `${t(`report.${l.metric}`)} ${l.total}`).join(', ')}`}
               style={{ maxWidth: box.width, fontSize: 10 }}>
            {shape.yTicks.map((tick) => (
              <g key={tick.value}>
                <line x1={box.left} x2={box.width - box.right} y1={tick.y} y2={tick.y} stroke="#f0f0f0" />
                <text x={box.left - 4} y={tick.y + 3} textAnchor="end" fill="#8c8c8c">{tick.value}</text>
              </g>
            ))}
            {shape.xTicks.map((tick) => (
              <text key={tick.x} x={tick.x} y={box.height - 8} textAnchor="middle" fill="#8c8c8c">{tick.label}</text>
            ))}
            {shape.lines.map((l) => (
              <polyline key={l.metric} points={l.points} fill="none" stroke={COLORS[l.metric]} strokeWidth={2}
                        strokeLinejoin="round" data-metric={l.metric} />
            ))}
            {data.points.length <= 31 && shape.lines.flatMap((l) => l.points.split(' ').map((xy) => {
              const [cx, cy] = xy.split(',');
              return <circle key={`${l.metric}-${xy}`} cx={cx} cy={cy} r={2.5} fill={COLORS[l.metric]} />;
            }))}
          </svg>
        </>
      )}
    </div>
  );
}
