import { useState } from 'react';
import Table from 'antd/es/table';
import Typography from 'antd/es/typography';
import { Link } from 'react-router-dom';
import { api, type Page } from '../api/client';
import { useApi } from '../api/useApi';
import { useI18n } from '../i18n';
import { formatSeconds } from './format';

/** A user's quota as GET /v1/me/quota and /v1/users/{id}/quota answer it (snake_case as on the wire). */
export interface Quota {
  user_id: number;
  balance: number;
  reserved_in_unstarted_tasks: number;
  reserved_in_running_tasks: number;
  low_threshold: number;
  low: boolean;
}

/** One row of a quota ledger (every change of the balance; the balance is their sum). */
export interface LedgerEntry {
  id: number;
  delta: number;
  reason: string;
  reference: string | null;
  balance_after: number;
  actor_id: number | null;
  note: string | null;
  created_at: string;
}

/**
 * A quota ledger, newest first: the operator's own (`/v1/me/quota/ledger`) and the one an admin reads of a user
 * (`/v1/users/{id}/quota/ledger`) show the same columns and reason names. A `task:N` reference links to the task.
 * `version` changes after a grant so that the new row shows at once.
 */
export default function LedgerTable({ path, version = 0 }: { path: string; version?: number }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const ledger = useApi((signal) => api.get<Page<LedgerEntry>>(path, { page, size: 20 }, signal),
                        [path, page, version]);
  return (
    <Table<LedgerEntry> rowKey="id" loading={ledger.loading} dataSource={ledger.data?.items ?? []} size="small"
                        scroll={{ x: 800 }} data-testid="ledger"
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
  );
}
