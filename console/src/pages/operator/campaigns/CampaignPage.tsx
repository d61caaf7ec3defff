import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Descriptions from 'antd/es/descriptions';
import Popconfirm from 'antd/es/popconfirm';
import Progress from 'antd/es/progress';
import Row from 'antd/es/row';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { formatTime } from '../../../components/format';
import ReasonModal from '../../../components/ReasonModal';
import TaskStatusTag from '../../../components/TaskStatusTag';
import WorkflowLink from '../../../components/WorkflowLink';
import { QuotaCheck } from './CampaignBuilderPage';
import { countFromApi } from './RuleBuilder';
import Report from './Report';
import Timeline from './Timeline';
import { CAN_CANCEL, CAN_PAUSE, CAN_RESUME, type Campaign, type CampaignReport, type Task } from './types';

/** One campaign: its tasks with live progress (refreshed every 3 s), lifecycle actions, timeline and report. */
export default function CampaignPage() {
  const { id } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [asking, setAsking] = useState<'pause' | 'cancel'>();
  const [actionError, setActionError] = useState<string>();
  const campaign = useApi((s) => api.get<Campaign>(`/v1/campaigns/${id}`, undefined, s), [id], 3000);
  const c = campaign.data;
  const draft = c?.status === 'DRAFT';
  const report = useApi((s) => (c && !draft ? api.get<CampaignReport>(`/v1/campaigns/${id}/report`, undefined, s)
    : Promise.resolve(undefined)), [id, c?.status], 10_000);
  // the quota check before activation: each task's planned audience now, against the balance
  const check = useApi(async (s) => {
    if (!c || !draft) return undefined;
    const [counts, quota] = await Promise.all([
      Promise.all(c.tasks.map((task) => countFromApi(task.recipient_rule, s))),
      api.get<{ balance: number }>('/v1/me/quota', undefined, s),
    ]);
    return { planned: counts.reduce((a, r) => a + r.planned_audience, 0), balance: quota.balance };
  }, [id, draft, c?.updated_at]);

  async function act(action: string, reason?: string) {
    setActionError(undefined);
    try {
      await api.post(`/v1/campaigns/${id}/${action}`, reason === undefined ? undefined : { reason: reason || null });
      message.success(t(`campaigns.done.${action}`));
      campaign.reload(true);
    } catch (e) {
      setActionError((e as Error).message);
      throw e;
    }
  }

  if (campaign.error) return <Alert type="error" showIcon message={campaign.error.message} />;
  if (!c) return null;
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space align="center" wrap>
          <Typography.Title level={2} style={{ margin: 0 }}>{c.name}</Typography.Title>
          <span data-testid="campaign-status"><TaskStatusTag status={c.status} /></span>
        </Space>
        <Space wrap>
          {draft && <Button onClick={() => navigate(`/campaigns/${id}/edit`)}>{t('form.edit')}</Button>}
          {draft && (
            <Popconfirm title={t('campaigns.activateConfirm')} onConfirm={() => act('activate').catch(() => {})}>
              <Button type="primary">{t('campaigns.activate')}</Button>
            </Popconfirm>
          )}
          {CAN_PAUSE.has(c.status) && <Button onClick={() => setAsking('pause')}>{t('campaigns.pause')}</Button>}
          {CAN_RESUME.has(c.status) && (
            <Button type="primary" onClick={() => act('resume').catch(() => {})}>{t('campaigns.resume')}</Button>
          )}
          {CAN_CANCEL.has(c.status) && <Button danger onClick={() => setAsking('cancel')}>{t('campaigns.cancel')}</Button>}
        </Space>
      </Space>
      {actionError && <Alert type="error" showIcon message={actionError} role="alert" style={{ margin: '16px 0' }} />}
      <Descriptions size="small" style={{ marginTop: 16 }} column={{ xs: 1, md: 2, xl: 4 }}>
        <Descriptions.Item label={t('campaigns.startT')}>{formatTime(c.start_time)}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.intervalD')}>{c.interval_days} {t('campaigns.days')}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.live')}>
          {c.live_progress ? c.live_progress.state : (c.live_progress_note ?? '–')}
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.workflow')}><WorkflowLink workflowId={c.workflow_id} /></Descriptions.Item>
      </Descriptions>
      {draft && (
        <Card size="small" title={t('campaigns.quotaCheck')} style={{ marginTop: 16 }}>
          <QuotaCheck planned={check.data?.planned} balance={check.data?.balance} />
        </Card>
      )}
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={16}>
          <Card size="small" title={t('campaigns.tasks')}>
            <div data-testid="campaign-tasks">
            <Table<Task> rowKey="id" dataSource={c.tasks} pagination={false} size="small" scroll={{ x: 720 }}
                         columns={[
                           { title: t('campaigns.taskName'), dataIndex: 'name',
                             render: (v, r) => <Link to={`/tasks/${r.id}`}>{v}</Link> },
                           { title: t('campaigns.planTime'), dataIndex: 'plan_time', render: formatTime },
                           { title: t('campaigns.status'), dataIndex: 'status',
                             render: (v, r) => (
                               <>
                                 <TaskStatusTag status={v} />
                                 {r.pause_reason && <Tag color="orange">{r.pause_reason}</Tag>}
                               </>
                             ) },
                           { title: t('campaigns.progress'), key: 'p', render: (_, r) => <DeliveryProgress task={r} /> },
                           { title: t('campaigns.workflow'), dataIndex: 'workflow_id',
                             render: (v) => <WorkflowLink workflowId={v} /> },
                         ]} />
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('campaigns.timeline')}>
            <Timeline startTime={c.start_time} intervalDays={c.interval_days}
                      tasks={c.tasks.map((task) => ({ name: task.name, plan_time: task.plan_time }))}
                      statuses={c.tasks.map((task) => task.status)} />
          </Card>
        </Col>
      </Row>
      {report.data && (
        <Card size="small" title={t('report.title')} style={{ marginTop: 16 }}>
          <Report totals={report.data.totals} byTemplate={report.data.by_template}
                  path={`/v1/campaigns/${id}/report`} refreshMs={30_000} />
        </Card>
      )}
      <ReasonModal open={asking !== undefined} danger={asking === 'cancel'}
                   title={asking === 'cancel' ? t('campaigns.cancel') : t('campaigns.pause')}
                   onCancel={() => setAsking(undefined)}
                   onConfirm={async (reason) => { await act(asking!, reason); setAsking(undefined); }} />
    </>
  );
}

/** sent / total with failed in red; the counts the api keeps per state. */
export function DeliveryProgress({ task }: { task: Task }) {
  const { t } = useI18n();
  const d = task.deliveries;
  if (!d.total) return <Typography.Text type="secondary">{task.audience_size ?? '–'}</Typography.Text>;
  const done = d.sent + d.failed + d.unknown + d.cancelled + d.skipped;
  return (
    <div style={{ minWidth: 160 }} data-testid={`task-progress-${task.id}`}>
      <Progress percent={Math.round((done / d.total) * 100)} size="small"
                success={{ percent: Math.round((d.sent / d.total) * 100) }} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('campaigns.counts', { sent: d.sent, total: d.total, failed: d.failed, pending: d.pending })}
      </Typography.Text>
    </div>
  );
}
