import AntTimeline from 'antd/es/timeline';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { useI18n } from '../../../i18n';
import { outOfOrder, planTimes, type PlannedTask } from './timeline';

/** The campaign's tasks on a timeline with their plan times (T, T + Δd, T + 2Δd, …, or a task's own time). */
export default function Timeline({ startTime, intervalDays, tasks, statuses }: {
  startTime?: string | null;
  intervalDays?: number | null;
  tasks: PlannedTask[];
  /** status per task index, on an existing campaign */
  statuses?: (string | undefined)[];
}) {
  const { t } = useI18n();
  const entries = planTimes(startTime, intervalDays, tasks);
  if (!entries.length) return <Typography.Text type="secondary">{t('timeline.empty')}</Typography.Text>;
  const late = new Set(outOfOrder(entries));
  return (
    <AntTimeline data-testid="timeline"
      items={entries.map((e) => ({
        color: late.has(e.index) ? 'red' : e.own ? 'purple' : 'blue',
        children: (
          <div data-testid={`timeline-task-${e.index}`}>
            <Typography.Text strong>{e.name || t('timeline.unnamed', { n: e.index + 1 })}</Typography.Text>
            {' · '}
            <Typography.Text>{e.at.format('YYYY-MM-DD HH:mm')}</Typography.Text>
            {' '}
            <Tag>{e.own ? t('timeline.ownTime') : `T + ${e.index} × Δd`}</Tag>
            {statuses?.[e.index] && <Tag>{t(`status.${statuses[e.index]}`)}</Tag>}
            {late.has(e.index) && <Typography.Text type="danger"> {t('timeline.outOfOrder')}</Typography.Text>}
          </div>
        ),
      }))} />
  );
}
