import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Checkbox from 'antd/es/checkbox';
import Col from 'antd/es/col';
import Descriptions from 'antd/es/descriptions';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Radio from 'antd/es/radio';
import Row from 'antd/es/row';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Statistic from 'antd/es/statistic';
import Switch from 'antd/es/switch';
import Typography from 'antd/es/typography';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatSeconds, formatTime } from '../../components/format';
import LedgerTable from '../../components/LedgerTable';
import ServiceStateTag from './ServiceStateTag';
import { UserStatusTags } from './UsersPage';
import type { Quota, Role, SenderService, User } from './types';

/** One user: edit (e-mail, role, enabled), unlock, reset password, quota grants with the ledger, service bindings. */
export default function UserPage() {
  const { id } = useParams();
  const { t } = useI18n();
  const user = useApi((signal) => api.get<User>(`/v1/users/${id}`, undefined, signal), [id]);
  if (user.error) return <Alert type="error" showIcon message={user.error.message} />;
  if (!user.data) return <Spin />;
  const u = user.data;
  return (
    <>
      <Typography.Title level={2}>
        <Space>{u.username}<UserStatusTags user={u} /></Space>
      </Typography.Title>
      <Typography.Paragraph><Link to="/admin/users">{t('form.back')}</Link></Typography.Paragraph>
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }}>
        <Descriptions.Item label={t('admin.users.created')}>{formatTime(u.created_at)}</Descriptions.Item>
        <Descriptions.Item label={t('admin.users.lastLogin')}>{formatTime(u.last_login_at)}</Descriptions.Item>
        {u.locked_until && (
          <Descriptions.Item label={t('admin.users.lockedUntil')}>{formatSeconds(u.locked_until)}</Descriptions.Item>
        )}
      </Descriptions>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <EditCard user={u} onSaved={(next) => user.setData(next)} />
          <PasswordCard user={u} onSaved={(next) => user.setData(next)} />
        </Col>
        <Col xs={24} lg={12}>
          <QuotaCard user={u} onGranted={() => user.reload(true)} />
          <BindingsCard userId={u.id} />
        </Col>
      </Row>
    </>
  );
}

function EditCard({ user, onSaved }: { user: User; onSaved: (u: User) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ email: string; role: Role; enabled: boolean }>();
  const [error, setError] = useState<string>();
  useEffect(() => form.setFieldsValue({ email: user.email, role: user.role, enabled: user.enabled }), [user, form]);

  async function save(values: { email: string; role: Role; enabled: boolean }) {
    setError(undefined);
    try {
      onSaved(await api.put<User>(`/v1/users/${user.id}`, values));
      message.success(t('form.saved'));
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  async function unlock() {
    setError(undefined);
    try {
      onSaved(await api.post<User>(`/v1/users/${user.id}/unlock`));
      message.success(t('admin.users.unlocked'));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Card title={t('admin.users.edit')} size="small" style={{ marginBottom: 16 }}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={save}>
        <Form.Item name="email" label={t('admin.users.email')} rules={[{ required: true, message: t('form.required') }]}>
          <Input type="email" />
        </Form.Item>
        <Form.Item name="role" label={t('admin.users.role')}>
          <Radio.Group>
            <Radio value="OPERATOR">{t('role.OPERATOR')}</Radio>
            <Radio value="ADMIN">{t('role.ADMIN')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="enabled" label={t('admin.users.enabledLabel')} valuePropName="checked"
                   extra={t('admin.users.disableHelp')}>
          <Switch />
        </Form.Item>
        <Space wrap>
          <Button type="primary" htmlType="submit">{t('form.save')}</Button>
          <Button onClick={unlock} disabled={!user.locked_until}>{t('admin.users.unlock')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

function PasswordCard({ user, onSaved }: { user: User; onSaved: (u: User) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const [error, setError] = useState<string>();

  async function reset(values: { password: string }) {
    setError(undefined);
    try {
      onSaved(await api.post<User>(`/v1/users/${user.id}/password`, values));
      form.resetFields();
      message.success(t('admin.users.passwordReset'));
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  return (
    <Card title={t('admin.users.resetPassword')} size="small" style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('admin.users.resetPasswordHelp')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={reset}>
        <Form.Item name="password" label={t('admin.users.newPassword')} extra={t('admin.users.passwordRule')}
                   rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button htmlType="submit">{t('admin.users.resetPassword')}</Button>
      </Form>
    </Card>
  );
}

function QuotaCard({ user, onGranted }: { user: User; onGranted: () => void }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const quota = useApi((signal) => api.get<Quota>(`/v1/users/${user.id}/quota`, undefined, signal), [user.id, version]);
  const [form] = Form.useForm<{ delta: number | null; note: string }>();
  const [error, setError] = useState<string>();

  async function grant(values: { delta: number | null; note: string }) {
    setError(undefined);
    try {
      await api.post(`/v1/users/${user.id}/quota-adjustments`, values);
      form.resetFields();
      setVersion((v) => v + 1);
      onGranted();
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  return (
    <Card title={t('admin.quota.title')} size="small" style={{ marginBottom: 16 }}>
      {quota.error && <Alert type="error" showIcon message={quota.error.message} />}
      <Row gutter={16} style={{ marginBottom: 12 }}>
        <Col span={8}>
          <Statistic title={t('quota.balance')} value={quota.data?.balance ?? '–'} valueStyle={{ fontSize: 20 }}
                     data-testid="user-quota-balance" />
        </Col>
        <Col span={8}>
          <Statistic title={t('quota.reservedUnstarted')} value={quota.data?.reserved_in_unstarted_tasks ?? '–'}
                     valueStyle={{ fontSize: 20 }} />
        </Col>
        <Col span={8}>
          <Statistic title={t('quota.reservedRunning')} value={quota.data?.reserved_in_running_tasks ?? '–'}
                     valueStyle={{ fontSize: 20 }} />
        </Col>
      </Row>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={grant}>
        <Form.Item name="delta" label={t('admin.quota.delta')} extra={t('admin.quota.deltaHelp')}
                   rules={[{ required: true, message: t('form.required') }]}>
          <InputNumber precision={0} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="note" label={t('quota.note')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('admin.quota.grant')}</Button>
      </Form>
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('quota.ledger')}</Typography.Title>
      <LedgerTable path={`/v1/users/${user.id}/quota/ledger`} version={version} />
    </Card>
  );
}

function BindingsCard({ userId }: { userId: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const all = useApi((signal) => api.get<SenderService[]>('/v1/admin/sender-services', undefined, signal), []);
  const bound = useApi((signal) => api.get<SenderService[]>(`/v1/admin/users/${userId}/sender-services`, undefined,
                                                            signal), [userId]);
  const [chosen, setChosen] = useState<number[]>();
  const [error, setError] = useState<string>();
  useEffect(() => setChosen(bound.data?.map((s) => s.id)), [bound.data]);

  async function save() {
    setError(undefined);
    try {
      bound.setData(await api.put<SenderService[]>(`/v1/admin/users/${userId}/sender-services`,
                                                   { service_ids: chosen ?? [] }));
      message.success(t('form.saved'));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Card title={t('admin.bindings.title')} size="small">
      <Typography.Paragraph type="secondary">{t('admin.bindings.help')}</Typography.Paragraph>
      {(all.error ?? bound.error) && <Alert type="error" showIcon message={(all.error ?? bound.error)!.message} />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Checkbox.Group value={chosen} onChange={(v) => setChosen(v as number[])} style={{ display: 'block' }}>
        <Space direction="vertical">
          {(all.data ?? []).map((s) => (
            <Checkbox key={s.id} value={s.id}>
              <Space>{s.name}<Typography.Text type="secondary">{s.provider} · {s.domain}</Typography.Text>
                <ServiceStateTag state={s.state} /></Space>
            </Checkbox>
          ))}
        </Space>
      </Checkbox.Group>
      <Button style={{ marginTop: 12 }} onClick={save} disabled={chosen === undefined}>{t('admin.bindings.save')}</Button>
    </Card>
  );
}
