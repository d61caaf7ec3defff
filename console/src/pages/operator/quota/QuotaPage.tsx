import { useState } from 'react';
import Alert from 'antd/es/alert';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Row from 'antd/es/row';
import Statistic from 'antd/es/statistic';
import Table from 'antd/es/table';
import Typography from 'antd/es/typography';
import { Link } from 'react-router-dom';
import { api, type Page } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { formatSeconds } from '../../../components/format';

interface Quota {
  user_id: number;
  balance: number;
  reserved_in_unstarted_tasks: number;
  reserved_in_running_tasks: number;
  low_threshold: number;
  low: boolean;
}

interface LedgerEntry {
  id: number;
  delta: number;
  reason: string;
  reference: string | null;
  balance_after: number;
  actor_id: number | null;
  note: string | null;
  created_at: string;
}

/** The signed-in user's quota and its ledger (every change, newest first; the balance is their sum). */
export default function QuotaPage() {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const quota = useApi((signal) => api.get<Quota>('/v1/me/quota', undefined, signal), []);
  const ledger = useApi((signal) => api.get<Page<LedgerEntry>>('/v1/me/quota/ledger', { page, size: 20 }, signal),
                        [page]);
  return (
    <>
      <Typography.Title level={2}>{t('quota.title')}</Typography.Title>
      {quota.error && <Alert type="error" showIcon message={quota.error.message} />}
      {quota.data?.low && <Alert type="warning" showIcon message={t('quota.low', { threshold: quota.data.low_threshold })}
                                 style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}><Card><Statistic title={t('quota.balance')} value={quota.data?.balance ?? '–'} /></Card></Col>
        <Col xs={12} md={8}>
          <Card><Statistic title={t('quota.reservedUnstarted')} value={quota.data?.reserved_in_unstarted_tasks ?? '–'} /></Card>
        </Col>
        <Col xs={12} md={8}>
          <Card><Statistic title={t('quota.reservedRunning')} value={quota.data?.reserved_in_running_tasks ?? '–'} /></Card>
        </Col>
      </Row>
      <Typography.Title level={4} style={{ marginTop: 24 }}>{t('quota.ledger')}</Typography.Title>
      <Table<LedgerEntry> rowKey="id" loading={ledger.loading} dataSource={ledger.data?.items ?? []} size="small"
                          scroll={{ x: 800 }}
                          pagination={{ current: page + 1, pageSize: 20, total: ledger.data?.total_items ?? 0,
                                        onChange: (p) => setPage(p - 1) }}
                          columns={[
                            { title: t('quota.at'), dataIndex: 'created_at', render: formatSeconds },
                            { title: t('quota.delta'), dataIndex: 'delta',
                              render: (v: number) => (
                                <Typography.Text type={v < 0 ? 'danger' : 'success'}>{v > 0 ? `+${v}` : v}</Typography.Text>
                              ) },
                            { title: t('quota.reason'), dataIndex: 'reason', render: (v: string) => t(`quota.reason.${v}`) },
                            { title: t('quota.reference'), dataIndex: 'reference',
                              render: (v: string | null) => {
                                const task = v && /^task:(\d+)$/.exec(v);
                                return task ? <Link to={`/tasks/${task[1]}`}>{v}</Link> : v;
                              } },
                            { title: t('quota.balanceAfter'), dataIndex: 'balance_after' },
                            { title: t('quota.note'), dataIndex: 'note' },
                          ]} />
    </>
  );
}
