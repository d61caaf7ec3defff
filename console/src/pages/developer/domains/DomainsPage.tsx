import { useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { showApiError } from '../../../components/forms';
import { formatTime } from '../../../components/format';
import { domainStatusColor, type Domain } from './types';

/** The signed-in user's sending domains; adding one answers the DNS records to publish (shown on its page). */
export default function DomainsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useApi((signal) => api.get<Domain[]>('/v1/domains', undefined, signal), [], 30_000);
  const [form] = Form.useForm<{ name: string }>();
  const [error, setError] = useState<string>();
  const [adding, setAdding] = useState(false);

  async function add(values: { name: string }) {
    setError(undefined);
    setAdding(true);
    try {
      const domain = await api.post<Domain>('/v1/domains', { name: values.name.trim() });
      navigate(`/developer/domains/${domain.id}`);
    } catch (e) {
      setError(showApiError(form, e));
    } finally {
      setAdding(false);
    }
  }

  return (
    <>
      <Typography.Title level={2}>{t('developer.domains.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('developer.domains.help')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="inline" onFinish={add} style={{ marginBottom: 16 }}>
        <Form.Item name="name" label={t('developer.domains.name')}
                   rules={[{ required: true, message: t('form.required') }]}>
          <Input placeholder="mail.example.com" style={{ width: 280 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={adding}>{t('developer.domains.add')}</Button>
      </Form>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<Domain> rowKey="id" loading={list.loading} dataSource={list.data ?? []} size="small" pagination={false}
                     scroll={{ x: 800 }}
                     columns={[
                       { title: t('developer.domains.name'), dataIndex: 'name',
                         render: (v: string, d) => <Link to={`/developer/domains/${d.id}`}>{v}</Link> },
                       { title: t('developer.domains.status'), dataIndex: 'status',
                         render: (v: string) => <Tag color={domainStatusColor[v]}>{t(`developer.domains.status.${v}`)}</Tag> },
                       { title: t('developer.domains.records'), key: 'r', render: (_, d) => {
                         const required = d.records.filter((r) => r.required);
                         return `${required.filter((r) => r.status === 'MATCHED').length} / ${required.length}`;
                       } },
                       { title: t('developer.domains.lastChecked'), dataIndex: 'last_checked_at', render: formatTime },
                       { title: t('developer.domains.verifiedAt'), dataIndex: 'verified_at', render: formatTime },
                     ]} />
    </>
  );
}
