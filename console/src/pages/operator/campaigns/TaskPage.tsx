import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Col from 'antd/es/col';
import Descriptions from 'antd/es/descriptions';
import Popconfirm from 'antd/es/popconfirm';
import Row from 'antd/es/row';
import Space from 'antd/es/space';
import Statistic from 'antd/es/statistic';
import Table from 'antd/es/table';
import Tabs from 'antd/es/tabs';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { DownloadOutlined } from '@ant-design/icons';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { formatSeconds, formatTime } from '../../../components/format';
import ReasonModal from '../../../components/ReasonModal';
import TaskStatusTag from '../../../components/TaskStatusTag';
import WorkflowLink from '../../../components/WorkflowLink';
import { parseCsv } from '../contacts/importRows';
import Report from './Report';
import { CAN_CANCEL, CAN_PAUSE, CAN_RESUME, type Task, type TaskProgress, type TaskReport } from './types';

interface LogEntry {
  id: number;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  at: string;
}

const STATES = ['pending', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'skipped'] as const;

/** One task: live progress (counts by state and template, pause reason), report, failures, execution log. */
export default function TaskPage() {
  const { id } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const [asking, setAsking] = useState<'pause' | 'cancel'>();
  const [actionError, setActionError] = useState<string>();
  const task = useApi((s) => api.get<Task>(`/v1/tasks/${id}`, undefined, s), [id], 3000);
  const progress = useApi((s) => api.get<TaskProgress>(`/v1/tasks/${id}/progress`, undefined, s), [id], 3000);
  const report = useApi((s) => api.get<TaskReport>(`/v1/tasks/${id}/report`, undefined, s), [id], 10_000);
  const log = useApi((s) => api.get<LogEntry[]>(`/v1/tasks/${id}/log`, undefined, s), [id, task.data?.status]);
  const failures = useApi(async (s) => {
    const response = await fetchCsv(`/v1/tasks/${id}/failures.csv`, s);
    const rows = parseCsv(response);
    return { header: rows[0] ?? [], rows: rows.slice(1) };
  }, [id, task.data?.deliveries.failed]);

  async function act(action: string, reason?: string) {
    setActionError(undefined);
    try {
      await api.post(`/v1/tasks/${id}/${action}`, reason === undefined ? undefined : { reason: reason || null });
      message.success(t(`campaigns.done.${action}`));
      task.reload(true);
      progress.reload(true);
    } catch (e) {
      setActionError((e as Error).message);
      throw e;
    }
  }

  if (task.error) return <Alert type="error" showIcon message={task.error.message} />;
  const tk = task.data;
  if (!tk) return null;
  const p = progress.data;
  const pauseReason = p?.live?.pause_reason ?? p?.pause_reason ?? tk.pause_reason;
  return (
    <>
      <Typography.Text><Link to={`/campaigns/${tk.campaign_id}`}>{t('campaigns.backToCampaign')}</Link></Typography.Text>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 8 }} wrap>
        <Space align="center" wrap>
          <Typography.Title level={2} style={{ margin: 0 }}>{tk.name}</Typography.Title>
          <span data-testid="task-status"><TaskStatusTag status={tk.status} /></span>
          {pauseReason && <Tag color="orange" data-testid="pause-reason">{pauseReason}</Tag>}
        </Space>
        <Space wrap>
          {CAN_PAUSE.has(tk.status) && <Button onClick={() => setAsking('pause')}>{t('campaigns.pause')}</Button>}
          {CAN_RESUME.has(tk.status) && (
            <Button type="primary" onClick={() => act('resume').catch(() => {})}>{t('campaigns.resume')}</Button>
          )}
          {CAN_CANCEL.has(tk.status) && <Button danger onClick={() => setAsking('cancel')}>{t('campaigns.cancel')}</Button>}
        </Space>
      </Space>
      {actionError && <Alert type="error" showIcon message={actionError} role="alert" style={{ margin: '16px 0' }} />}
      <Descriptions size="small" style={{ marginTop: 16 }} column={{ xs: 1, md: 2, xl: 4 }}>
        <Descriptions.Item label={t('campaigns.planTime')}>{formatTime(tk.plan_time)}</Descriptions.Item>
        <Descriptions.Item label={t('task.started')}>{formatTime(tk.actual_start_time)}</Descriptions.Item>
        <Descriptions.Item label={t('task.audience')}>
          {p ? `${p.actual_audience} / ${p.planned_audience ?? '–'}` : '–'}
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.workflow')}><WorkflowLink workflowId={tk.workflow_id} /></Descriptions.Item>
      </Descriptions>
      <Tabs defaultActiveKey="progress" items={[
        { key: 'progress', label: t('task.tab.progress'), children: (
          <>
            <Row gutter={[16, 16]}>
              {STATES.map((state) => (
                <Col key={state} xs={8} md={6} xl={3}>
                  <div data-testid={`count-${state}`}>
                    <Statistic title={t(`task.state.${state}`)} value={tk.deliveries[state]}
                               valueStyle={state === 'failed' && tk.deliveries.failed ? { color: '#cf1322' } : undefined} />
                  </div>
                </Col>
              ))}
            </Row>
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              {p?.live ? t('task.live', { state: p.live.state }) : (p?.live_note ?? '')}
            </Typography.Paragraph>
            <Table rowKey={(r) => String(r.template_id)} dataSource={p?.by_template ?? []} size="small"
                   pagination={false} style={{ marginTop: 8 }}
                   columns={[
                     { title: t('task.template'), dataIndex: 'template_name' },
                     { title: t('task.state.total'), dataIndex: 'total' },
                     { title: t('task.state.sent'), dataIndex: 'sent' },
                     { title: t('task.state.failed'), dataIndex: 'failed' },
                   ]} />
          </>
        ) },
        { key: 'report', label: t('report.title'), children: report.data
          ? <Report totals={report.data.totals} byTemplate={report.data.by_template}
                    path={`/v1/tasks/${id}/report`} refreshMs={30_000} />
          : <Typography.Text type="secondary">{report.error?.message ?? '…'}</Typography.Text> },
        { key: 'failures', label: t('task.tab.failures', { n: tk.deliveries.failed }), children: (
          <>
            <Space style={{ marginBottom: 12 }} wrap>
              <Button icon={<DownloadOutlined />}
                      onClick={() => api.download(`/v1/tasks/${id}/failures.csv`, `task-${id}-failures.csv`, 'text/csv')}>
                {t('task.exportCsv')}
              </Button>
              <Popconfirm title={t('task.retryConfirm', { n: tk.deliveries.failed })}
                          onConfirm={() => act('retry').catch(() => {})}>
                <Button disabled={!tk.deliveries.failed}>{t('task.retry')}</Button>
              </Popconfirm>
            </Space>
            <Table rowKey={(_, i) => String(i)} size="small" scroll={{ x: 800 }}
                   dataSource={(failures.data?.rows ?? []).map((r) => Object.fromEntries(r.map((v, i) => [String(i), v])))}
                   columns={(failures.data?.header ?? []).map((h, i) => ({ title: h, dataIndex: String(i) }))} />
          </>
        ) },
        { key: 'log', label: t('task.tab.log'), children: (
          <Table<LogEntry> rowKey="id" dataSource={log.data ?? []} size="small" pagination={false} scroll={{ x: 600 }}
                           columns={[
                             { title: t('quota.at'), dataIndex: 'at', render: formatSeconds },
                             { title: t('task.from'), dataIndex: 'from_status',
                               render: (v) => (v ? <TaskStatusTag status={v} /> : '–') },
                             { title: t('task.to'), dataIndex: 'to_status', render: (v) => <TaskStatusTag status={v} /> },
                             { title: t('form.reason'), dataIndex: 'reason' },
                           ]} />
        ) },
      ]} />
      <ReasonModal open={asking !== undefined} danger={asking === 'cancel'}
                   title={asking === 'cancel' ? t('campaigns.cancel') : t('campaigns.pause')}
                   onCancel={() => setAsking(undefined)}
                   onConfirm={async (reason) => { await act(asking!, reason); setAsking(undefined); }} />
    </>
  );
}

async function fetchCsv(path: string, signal: AbortSignal) {
  return api.text(path, 'text/csv', signal);
}
