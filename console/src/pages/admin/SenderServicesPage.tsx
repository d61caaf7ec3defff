import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Popconfirm from 'antd/es/popconfirm';
import Radio from 'antd/es/radio';
import Table from 'antd/es/table';
import Typography from 'antd/es/typography';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { formatTime } from '../../components/format';
import ServiceStateTag from './ServiceStateTag';
import { unfreeze } from './unfreeze';
import type { SenderService } from './types';

const PROVIDERS = ['SMTP', 'ALIYUN_DM', 'ENGAGELAB'] as const;

/** Sender services per provider with their state and today's quota; a frozen one is unfrozen here or on its page. */
export default function SenderServicesPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [provider, setProvider] = useState<string>('ALL');
  const list = useApi((signal) => api.get<SenderService[]>('/v1/admin/sender-services', undefined, signal), [], 15_000);
  const rows = (list.data ?? []).filter((s) => provider === 'ALL' || s.provider === provider);
  const count = (p: string) => (list.data ?? []).filter((s) => s.provider === p).length;

  return (
    <>
      <Typography.Title level={2}>{t('admin.services.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('admin.services.help')}</Typography.Paragraph>
      <Radio.Group value={provider} onChange={(e) => setProvider(e.target.value)} optionType="button"
                   style={{ marginBottom: 16 }} aria-label={t('admin.services.provider')}
                   options={[{ value: 'ALL', label: `${t('admin.services.all')} (${list.data?.length ?? 0})` },
                             ...PROVIDERS.map((p) => ({ value: p, label: `${t(`admin.provider.${p}`)} (${count(p)})` }))]} />
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<SenderService> rowKey="id" loading={list.loading} dataSource={rows} size="small" scroll={{ x: 1000 }}
                            pagination={false}
                            columns={[
                              { title: t('admin.services.name'), dataIndex: 'name',
                                render: (v: string, s) => <Link to={`/admin/sender-services/${s.id}`}>{v}</Link> },
                              { title: t('admin.services.provider'), dataIndex: 'provider',
                                render: (v: string) => t(`admin.provider.${v}`) },
                              { title: t('admin.services.domain'), dataIndex: 'domain' },
                              { title: t('admin.services.state'), dataIndex: 'state',
                                render: (_, s) => <ServiceStateTag state={s.state} /> },
                              { title: t('admin.services.remainingToday'), key: 'remaining',
                                render: (_, s) => `${s.remaining_today} / ${s.daily_quota}` },
                              { title: t('admin.services.nextReset'), dataIndex: 'next_reset_at', render: formatTime },
                              { title: t('admin.services.frozenReason'), dataIndex: 'frozen_reason', ellipsis: true },
                              { title: t('form.actions'), key: 'a', render: (_, s) => s.state === 'FROZEN' && (
                                <Popconfirm title={t('admin.services.unfreezeConfirm')} onConfirm={async () => {
                                  try {
                                    await unfreeze(s.id);
                                    list.reload(true);
                                  } catch (e) {
                                    message.error((e as Error).message);
                                  }
                                }}>
                                  <Button size="small" type="primary">{t('admin.services.unfreeze')}</Button>
                                </Popconfirm>
                              ) },
                            ]} />
    </>
  );
}
