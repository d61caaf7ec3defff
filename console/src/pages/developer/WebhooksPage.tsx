import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Checkbox from 'antd/es/checkbox';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Popconfirm from 'antd/es/popconfirm';
import Space from 'antd/es/space';
import Switch from 'antd/es/switch';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { api } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatSeconds, formatTime } from '../../components/format';
import SecretOnce from './SecretOnce';

interface Endpoint {
  id: number;
  url: string;
  description: string | null;
  event_types: string[];
  enabled: boolean;
  pending: number;
  failed: number;
  created_at: string;
  secret?: string;
}

interface Delivery {
  id: number;
  message_id: string;
  event_type: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

export const EVENT_TYPES = ['message.delivered', 'message.bounced', 'message.opened', 'message.clicked',
  'message.unsubscribed', 'message.replied', 'message.failed', 'task.finished', 'sender_service.frozen'];

interface EndpointForm {
  url: string;
  description?: string;
  event_types: string[];
}

/** Outgoing webhooks (Standard Webhooks): endpoints, their signing secret (shown once), the delivery log and replay. */
export default function WebhooksPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = useApi((signal) => api.get<Endpoint[]>('/v1/webhooks', undefined, signal), [], 30_000);
  const [form] = Form.useForm<EndpointForm>();
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<string>();

  async function create(values: EndpointForm) {
    setError(undefined);
    try {
      const created = await api.post<Endpoint>('/v1/webhooks', values);
      setSecret(created.secret);
      form.resetFields();
      list.reload(true);
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  async function act(call: () => Promise<unknown>) {
    try {
      await call();
      list.reload(true);
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <>
      <Typography.Title level={2}>{t('developer.webhooks.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('developer.webhooks.help')}</Typography.Paragraph>
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(undefined)} />}
      <Card title={t('developer.webhooks.new')} size="small" style={{ marginBottom: 16 }}>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ event_types: [] }} style={{ maxWidth: 720 }}>
          <Form.Item name="url" label={t('developer.webhooks.url')} rules={[{ required: true, message: t('form.required') }]}>
            <Input placeholder="https://example.com/hooks/edm" />
          </Form.Item>
          <Form.Item name="description" label={t('developer.webhooks.description')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="event_types" label={t('developer.webhooks.events')}
                     rules={[{ required: true, message: t('form.required') }]}>
            <Checkbox.Group options={EVENT_TYPES.map((e) => ({ value: e, label: e }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit">{t('developer.webhooks.create')}</Button>
        </Form>
      </Card>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<Endpoint> rowKey="id" loading={list.loading} dataSource={list.data ?? []} size="small" pagination={false}
                       scroll={{ x: 900 }}
                       expandable={{ expandedRowRender: (e) => <Deliveries endpointId={e.id} /> }}
                       columns={[
                         { title: t('developer.webhooks.url'), dataIndex: 'url', ellipsis: true },
                         { title: t('developer.webhooks.events'), dataIndex: 'event_types',
                           render: (v: string[]) => v.map((e) => <Tag key={e}>{e}</Tag>) },
                         { title: t('developer.webhooks.enabled'), dataIndex: 'enabled', render: (v: boolean, e) => (
                           <Switch checked={v} aria-label={t('developer.webhooks.enabled')}
                                   onChange={(enabled) => act(() => api.put(`/v1/webhooks/${e.id}`, {
                                     url: e.url, description: e.description, event_types: e.event_types, enabled,
                                   }))} />
                         ) },
                         { title: t('developer.webhooks.pendingFailed'), key: 'pf', render: (_, e) => `${e.pending} / ${e.failed}` },
                         { title: t('developer.keys.created'), dataIndex: 'created_at', render: formatTime },
                         { title: t('form.actions'), key: 'a', render: (_, e) => (
                           <Space>
                             <Popconfirm title={t('developer.webhooks.rotateConfirm')} onConfirm={() => act(async () => {
                               setSecret((await api.post<Endpoint>(`/v1/webhooks/${e.id}/rotate-secret`)).secret);
                             })}>
                               <Button size="small">{t('developer.webhooks.rotate')}</Button>
                             </Popconfirm>
                             <Popconfirm title={t('form.confirmDelete')}
                                         onConfirm={() => act(() => api.delete(`/v1/webhooks/${e.id}`))}>
                               <Button size="small" danger>{t('form.delete')}</Button>
                             </Popconfirm>
                           </Space>
                         ) },
                       ]} />
    </>
  );
}

function Deliveries({ endpointId }: { endpointId: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const log = useApi((signal) => api.get<Delivery[]>(`/v1/webhooks/${endpointId}/deliveries`, { limit: 50 }, signal),
                     [endpointId]);
  if (log.error) return <Alert type="error" showIcon message={log.error.message} />;
  return (
    <Table<Delivery> rowKey="id" loading={log.loading} dataSource={log.data ?? []} size="small" pagination={false}
                     columns={[
                       { title: t('developer.webhooks.at'), dataIndex: 'created_at', render: formatSeconds },
                       { title: t('developer.webhooks.event'), dataIndex: 'event_type' },
                       { title: t('developer.webhooks.status'), dataIndex: 'status',
                         render: (v: string) => <Tag color={v === 'DELIVERED' ? 'green' : v === 'FAILED' ? 'red' : 'default'}>{v}</Tag> },
                       { title: t('developer.webhooks.attempts'), dataIndex: 'attempts' },
                       { title: t('developer.webhooks.lastAnswer'), key: 'l',
                         render: (_, d) => d.last_status_code ?? d.last_error ?? '–' },
                       { title: t('developer.webhooks.next'), dataIndex: 'next_attempt_at', render: formatSeconds },
                       { title: t('form.actions'), key: 'a', render: (_, d) => d.status !== 'PENDING' && (
                         <Button size="small" onClick={async () => {
                           try {
                             await api.post(`/v1/webhooks/${endpointId}/deliveries/${d.id}/replay`);
                             log.reload(true);
                           } catch (e) {
                             message.error((e as Error).message);
                           }
                         }}>{t('developer.webhooks.replay')}</Button>
                       ) },
                     ]} />
  );
}
