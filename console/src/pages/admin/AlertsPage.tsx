import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Radio from 'antd/es/radio';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { formatSeconds } from '../../components/format';
import { ALERT_KINDS, type AlertItem } from './types';

const stateColor = { open: 'red', acknowledged: 'gold', resolved: 'green' } as const;

/** What an alert is about, as a link to its page where the console has one. */
function subjectLink(subject: string) {
  const m = /^(sender-service|campaign|task)-(\d+)$/.exec(subject);
  if (!m) return subject;
  const path = m[1] === 'sender-service' ? `/admin/sender-services/${m[2]}` : `/${m[1]}s/${m[2]}`;
  return <Link to={path}>{subject}</Link>;
}

/** All alerts, newest first; acknowledging says "seen" (it resolves by itself when the condition clears). */
export default function AlertsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [state, setState] = useState<string>('open');
  const [kind, setKind] = useState<string>();
  const list = useApi((signal) => api.get<AlertItem[]>('/v1/admin/alerts', {
    state: state === 'all' ? undefined : state, kind, limit: 200,
  }, signal), [state, kind], 30_000);

  async function acknowledge(id: number) {
    try {
      await api.post(`/v1/admin/alerts/${id}/acknowledge`);
      list.reload(true);
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <>
      <Typography.Title level={2}>{t('admin.alerts.title')}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Radio.Group value={state} onChange={(e) => setState(e.target.value)} optionType="button"
                     options={['open', 'acknowledged', 'resolved', 'all']
                       .map((s) => ({ value: s, label: t(`admin.alerts.state.${s}`) }))} />
        <Select allowClear placeholder={t('admin.alerts.kind')} value={kind} onChange={setKind} style={{ width: 260 }}
                aria-label={t('admin.alerts.kind')}
                options={ALERT_KINDS.map((k) => ({ value: k, label: t(`admin.alerts.kind.${k}`) }))} />
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<AlertItem> rowKey="id" loading={list.loading} dataSource={list.data ?? []} size="small"
                        scroll={{ x: 1000 }} pagination={{ pageSize: 50 }}
                        columns={[
                          { title: t('admin.alerts.at'), dataIndex: 'created_at', render: formatSeconds },
                          { title: t('admin.alerts.severity'), dataIndex: 'severity',
                            render: (v: string) => <Tag color={v === 'CRITICAL' ? 'red' : 'orange'}>{v}</Tag> },
                          { title: t('admin.alerts.kind'), dataIndex: 'kind', render: (v: string) => t(`admin.alerts.kind.${v}`) },
                          { title: t('admin.alerts.subject'), dataIndex: 'subject', render: subjectLink },
                          { title: t('admin.alerts.message'), dataIndex: 'message' },
                          { title: t('admin.alerts.stateCol'), dataIndex: 'state',
                            render: (v: AlertItem['state']) => <Tag color={stateColor[v]}>{t(`admin.alerts.state.${v}`)}</Tag> },
                          { title: t('form.actions'), key: 'a', render: (_, a) => a.state === 'open' && (
                            <Button size="small" onClick={() => acknowledge(a.id)}>{t('admin.alerts.acknowledge')}</Button>
                          ) },
                        ]} />
    </>
  );
}
