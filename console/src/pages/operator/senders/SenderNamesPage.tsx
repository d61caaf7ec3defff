import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Popconfirm from 'antd/es/popconfirm';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Typography from 'antd/es/typography';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { showApiError } from '../../../components/forms';
import { formatTime } from '../../../components/format';

export interface SenderName {
  id: number;
  name: string;
  created_at: string;
}

/** Sender names: the local part of From (a task sends as name@<the service's domain>), unique across all users. */
export default function SenderNamesPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = useApi((signal) => api.get<SenderName[]>('/v1/sender-names', undefined, signal), []);
  const [form] = Form.useForm<{ name: string }>();
  const [error, setError] = useState<string>();

  async function create(values: { name: string }) {
    setError(undefined);
    try {
      await api.post('/v1/sender-names', values);
      form.resetFields();
      list.reload();
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  return (
    <>
      <Typography.Title level={2}>{t('senderNames.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('senderNames.help')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="inline" onFinish={create} initialValues={{ name: '' }} style={{ marginBottom: 16 }}>
        <Form.Item name="name" label={t('senderNames.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input placeholder="news" style={{ width: 220 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('form.create')}</Button>
      </Form>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<SenderName> rowKey="id" loading={list.loading} dataSource={list.data ?? []} pagination={false}
                         columns={[
                           { title: t('senderNames.name'), dataIndex: 'name' },
                           { title: t('contacts.created'), dataIndex: 'created_at', render: formatTime },
                           { title: t('form.actions'), key: 'a', render: (_, r) => (
                             <Space>
                               <Popconfirm title={t('form.confirmDelete')} onConfirm={async () => {
                                 try {
                                   await api.delete(`/v1/sender-names/${r.id}`);
                                   list.reload();
                                 } catch (e) {
                                   message.error((e as Error).message);
                                 }
                               }}>
                                 <Button size="small" danger>{t('form.delete')}</Button>
                               </Popconfirm>
                             </Space>
                           ) },
                         ]} />
    </>
  );
}
