import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Typography from 'antd/es/typography';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { formatTime } from '../../../components/format';
import TaskStatusTag from '../../../components/TaskStatusTag';
import type { CampaignSummary } from './types';

export default function CampaignsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useApi((signal) => api.get<CampaignSummary[]>('/v1/campaigns', undefined, signal), [], 10_000);
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>{t('campaigns.title')}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/campaigns/new')}>
          {t('campaigns.new')}
        </Button>
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<CampaignSummary> rowKey="id" loading={list.loading && !list.data} dataSource={list.data ?? []}
                              scroll={{ x: 760 }}
                              columns={[
                                { title: t('campaigns.name'), dataIndex: 'name',
                                  render: (v, r) => <Link to={`/campaigns/${r.id}`}>{v}</Link> },
                                { title: t('campaigns.status'), dataIndex: 'status',
                                  render: (v) => <TaskStatusTag status={v} /> },
                                { title: t('campaigns.start'), dataIndex: 'start_time', render: formatTime },
                                { title: t('campaigns.interval'), dataIndex: 'interval_days' },
                                { title: t('campaigns.tasks'), dataIndex: 'task_count' },
                                { title: t('campaigns.created'), dataIndex: 'created_at', render: formatTime },
                              ]} />
    </>
  );
}
