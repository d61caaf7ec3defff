import { useState } from 'react';
import Table from 'antd/es/table';
import Typography from 'antd/es/typography';
import { api, type Page } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { formatSeconds } from '../../components/format';
import type { LedgerEntry } from './types';

/**
 * A user's quota ledger, newest first (the same columns and reason names as the operator's own quota page).
 * `version` changes after a grant so that the new row shows at once.
 */
export default function LedgerTable({ userId, version }: { userId: number; version: number }) {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const ledger = useApi((signal) => api.get<Page<LedgerEntry>>(`/v1/users/${userId}/quota/ledger`,
                                                               { page, size: 20 }, signal), [userId, page, version]);
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
                          { title: t('quota.reference'), dataIndex: 'reference' },
                          { title: t('quota.balanceAfter'), dataIndex: 'balance_after' },
                          { title: t('quota.note'), dataIndex: 'note' },
                        ]} />
  );
}
