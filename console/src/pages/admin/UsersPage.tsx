import { useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Radio from 'antd/es/radio';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { Link, useNavigate } from 'react-router-dom';
import { api, type Page } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatTime } from '../../components/format';
import type { Role, User } from './types';

interface NewUser {
  username: string;
  email: string;
  password: string;
  role: Role;
}

export function UserStatusTags({ user }: { user: User }) {
  const { t } = useI18n();
  return (
    <Space size={4} wrap>
      {user.enabled ? <Tag color="green">{t('admin.users.enabled')}</Tag> : <Tag>{t('admin.users.disabled')}</Tag>}
      {user.status === 'PENDING_VERIFICATION' && <Tag color="gold">{t('admin.users.pendingVerification')}</Tag>}
      {user.locked_until && <Tag color="red">{t('admin.users.locked')}</Tag>}
    </Space>
  );
}

/** All users; an admin creates one here and opens one to edit, unlock, reset the password, grant quota and bind services. */
export default function UsersPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [page, setPage] = useState(0);
  const list = useApi((signal) => api.get<Page<User>>('/v1/users', { page, size: 50 }, signal), [page]);
  const [form] = Form.useForm<NewUser>();
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);

  async function create(values: NewUser) {
    setError(undefined);
    setCreating(true);
    try {
      const user = await api.post<User>('/v1/users', values);
      form.resetFields();
      navigate(`/admin/users/${user.id}`);
    } catch (e) {
      setError(showApiError(form, e));
    } finally {
      setCreating(false);
    }
  }

  return (
    <>
      <Typography.Title level={2}>{t('admin.users.title')}</Typography.Title>
      <Card title={t('admin.users.new')} size="small" style={{ marginBottom: 16 }}>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ role: 'OPERATOR' }}
              style={{ maxWidth: 560 }}>
          <Form.Item name="username" label={t('admin.users.username')} extra={t('admin.users.usernameRule')}
                     rules={[{ required: true, message: t('form.required') }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="email" label={t('admin.users.email')} rules={[{ required: true, message: t('form.required') }]}>
            <Input type="email" autoComplete="off" />
          </Form.Item>
          <Form.Item name="password" label={t('admin.users.initialPassword')} extra={t('admin.users.passwordRule')}
                     rules={[{ required: true, message: t('form.required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="role" label={t('admin.users.role')}>
            <Radio.Group>
              <Radio value="OPERATOR">{t('role.OPERATOR')}</Radio>
              <Radio value="ADMIN">{t('role.ADMIN')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={creating}>{t('admin.users.create')}</Button>
        </Form>
      </Card>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<User> rowKey="id" loading={list.loading} dataSource={list.data?.items ?? []} size="small"
                   scroll={{ x: 900 }}
                   pagination={{ current: page + 1, pageSize: 50, total: list.data?.total_items ?? 0,
                                 onChange: (p) => setPage(p - 1) }}
                   columns={[
                     { title: t('admin.users.username'), dataIndex: 'username',
                       render: (v: string, u) => <Link to={`/admin/users/${u.id}`}>{v}</Link> },
                     { title: t('admin.users.email'), dataIndex: 'email' },
                     { title: t('admin.users.role'), dataIndex: 'role', render: (v: Role) => t(`role.${v}`) },
                     { title: t('admin.users.state'), key: 'state', render: (_, u) => <UserStatusTags user={u} /> },
                     { title: t('quota.balance'), dataIndex: 'quota_balance' },
                     { title: t('admin.users.lastLogin'), dataIndex: 'last_login_at', render: formatTime },
                   ]} />
    </>
  );
}
