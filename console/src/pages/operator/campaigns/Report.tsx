import Col from 'antd/es/col';
import Row from 'antd/es/row';
import Statistic from 'antd/es/statistic';
import Typography from 'antd/es/typography';
import BarChart from '../../../components/BarChart';
import { useI18n } from '../../../i18n';
import ReportTrend from './ReportTrend';
import type { ReportCounts, TemplateReport } from './types';

const METRICS = ['delivered', 'opened', 'clicked', 'replied', 'unsubscribed'] as const;
const COLORS = ['#1677ff', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1', '#13c2c2', '#faad14', '#a0d911'];

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * A report: the totals, the funnel as bars, the figures over time (with `path`, the report's api path) and each
 * template side by side (rates, so sizes compare).
 */
export default function Report({ totals, byTemplate, path, refreshMs }: {
  totals: ReportCounts;
  byTemplate: TemplateReport[];
  path?: string;
  refreshMs?: number;
}) {
  const { t } = useI18n();
  return (
    <div data-testid="report">
      <Row gutter={[16, 16]}>
        {(['sent', 'failed', ...METRICS] as const).map((m) => (
          <Col key={m} xs={12} md={6} xl={3}>
            <Statistic title={t(`report.${m}`)} value={totals[m]}
                       suffix={m in totals.rates ? <small>{percent(totals.rates[m as keyof ReportCounts['rates']])}</small>
                         : undefined} />
          </Col>
        ))}
      </Row>
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('report.funnel')}</Typography.Title>
      <BarChart categories={METRICS.map((m) => t(`report.${m}`))}
                series={[{ label: t('report.all'), color: COLORS[0], values: METRICS.map((m) => totals[m]) }]} />
      {path && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('report.trend.title')}</Typography.Title>
          <ReportTrend path={path} refreshMs={refreshMs} />
        </>
      )}
      {byTemplate.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('report.byTemplate')}</Typography.Title>
          <BarChart categories={METRICS.map((m) => t(`report.rate.${m}`))} format={percent}
                    series={byTemplate.map((tpl, i) => ({
                      label: `${tpl.template_name ?? '–'} (${tpl.counts.sent})`,
                      color: COLORS[i % COLORS.length],
                      values: METRICS.map((m) => tpl.counts.rates[m]),
                    }))} />
        </>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('report.note')}</Typography.Paragraph>
    </div>
  );
}
