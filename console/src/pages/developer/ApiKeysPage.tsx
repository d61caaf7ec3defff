import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Popconfirm from 'antd/es/popconfirm';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { api } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatTime } from '../../components/format';
import SecretOnce from './SecretOnce';

interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** API keys for /api/v1/** (POST /api/v1/send): the secret is shown once after creating, then only its prefix. */
export default function ApiKeysPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = useApi((signal) => api.get<ApiKey[]>('/v1/api-keys', undefined, signal), []);
  const [form] = Form.useForm<{ name: string }>();
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<string>();

  async function create(values: { name: string }) {
    setError(undefined);
    try {
      const created = await api.post<ApiKey & { secret: string }>('/v1/api-keys', values);
      setSecret(created.secret);
      form.resetFields();
      list.reload(true);
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  async function revoke(id: number) {
    try {
      await api.delete(`/v1/api-keys/${id}`);
      list.reload(true);
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <>
      <Typography.Title level={2}>{t('developer.keys.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('developer.keys.help')}</Typography.Paragraph>
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(undefined)} />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="inline" onFinish={create} style={{ marginBottom: 16 }}>
        <Form.Item name="name" label={t('developer.keys.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={100} placeholder="ci" style={{ width: 240 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('developer.keys.create')}</Button>
      </Form>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<ApiKey> rowKey="id" loading={list.loading} dataSource={list.data ?? []} size="small" pagination={false}
                     scroll={{ x: 800 }}
                     columns={[
                       { title: t('developer.keys.name'), dataIndex: 'name' },
                       { title: t('developer.keys.prefix'), dataIndex: 'prefix',
                         render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
                       { title: t('developer.keys.created'), dataIndex: 'created_at', render: formatTime },
                       { title: t('developer.keys.lastUsed'), dataIndex: 'last_used_at', render: formatTime },
                       { title: t('developer.keys.state'), key: 's', render: (_, k) => (k.revoked_at
                         ? <Tag>{t('developer.keys.revokedAt', { at: formatTime(k.revoked_at) })}</Tag>
                         : <Tag color="green">{t('developer.keys.active')}</Tag>) },
                       { title: t('form.actions'), key: 'a', render: (_, k) => !k.revoked_at && (
                         <Popconfirm title={t('developer.keys.revokeConfirm')} onConfirm={() => revoke(k.id)}>
                           <Button size="small" danger>{t('developer.keys.revoke')}</Button>
                         </Popconfirm>
                       ) },
                     ]} />
    </>
  );
}
