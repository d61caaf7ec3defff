import Alert from 'antd/es/alert';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Row from 'antd/es/row';
import Statistic from 'antd/es/statistic';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { useApi } from '../api/useApi';
import { useI18n } from '../i18n';
import { formatTime } from '../components/format';
import TaskStatusTag from '../components/TaskStatusTag';

/** GET /v1/me/dashboard */
interface Dashboard {
  quota_balance: number;
  time_zone: string;
  date: string;
  today: { sent: number; failed: number; unknown: number };
  sender_services: { usable: number; frozen: number; disabled: number };
  running_tasks: {
    id: number;
    campaign_id: number;
    campaign_name: string;
    name: string;
    status: string;
    pause_reason: string | null;
    actual_start_time: string | null;
    pending: number;
    sent: number;
    failed: number;
  }[];
}

const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';

export default function DashboardPage() {
  const { t } = useI18n();
  const { data, error } = useApi((signal) => api.get<Dashboard>('/v1/me/dashboard', { time_zone: timeZone }, signal),
                                 [], 10_000);
  const running = data?.running_tasks.filter((r) => r.status !== 'PAUSED').length ?? 0;
  const paused = data?.running_tasks.filter((r) => r.status === 'PAUSED').length ?? 0;
  return (
    <>
      <Typography.Title level={2}>{t('dashboard.title')}</Typography.Title>
      {error && <Alert type="error" showIcon message={error.message} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} lg={6}>
          <Card><div data-testid="quota"><Statistic title={t('dashboard.quota')} value={data?.quota_balance ?? '–'} /></div></Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card><Statistic title={t('dashboard.sentToday')} value={data?.today.sent ?? '–'} /></Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic title={t('dashboard.failedToday')} value={data?.today.failed ?? '–'}
                       valueStyle={data?.today.failed ? { color: '#cf1322' } : undefined} />
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic title={t('dashboard.services')}
                       value={data ? `${data.sender_services.usable} / ${data.sender_services.frozen}` : '–'} />
            <Typography.Text type="secondary">{t('dashboard.servicesHint')}</Typography.Text>
          </Card>
        </Col>
      </Row>
      <Card title={t('dashboard.tasks', { running, paused })} style={{ marginTop: 16 }}>
        <Table rowKey="id" dataSource={data?.running_tasks ?? []} pagination={false} scroll={{ x: 720 }}
               size="small"
               columns={[
                 { title: t('dashboard.col.campaign'), dataIndex: 'campaign_name',
                   render: (v, r) => <Link to={`/campaigns/${r.campaign_id}`}>{v}</Link> },
                 { title: t('dashboard.col.task'), dataIndex: 'name' },
                 { title: t('dashboard.col.status'), dataIndex: 'status',
                   render: (v, r) => (
                     <>
                       <TaskStatusTag status={v} />
                       {r.pause_reason && <Tag>{r.pause_reason}</Tag>}
                     </>
                   ) },
                 { title: t('dashboard.col.started'), dataIndex: 'actual_start_time', render: formatTime },
                 { title: t('dashboard.col.pending'), dataIndex: 'pending' },
                 { title: t('dashboard.col.sent'), dataIndex: 'sent' },
                 { title: t('dashboard.col.failed'), dataIndex: 'failed' },
               ]} />
      </Card>
    </>
  );
}
