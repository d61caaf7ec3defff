import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Descriptions from 'antd/es/descriptions';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Popconfirm from 'antd/es/popconfirm';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Tooltip from 'antd/es/tooltip';
import Typography from 'antd/es/typography';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { showApiError } from '../../../components/forms';
import { formatSeconds, formatTime } from '../../../components/format';
import WorkflowLink from '../../../components/WorkflowLink';
import { mxPriority, recordValue, relativeHost, zoneFile, type DnsRecord } from './dns';
import { domainStatusColor, recordStatusColor, type Domain, type Mailbox } from './types';

/** One domain: the records to publish (each copyable), what the last check saw, "check now", its mailboxes. */
export default function DomainPage() {
  const { id } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const domain = useApi((signal) => api.get<Domain>(`/v1/domains/${id}`, undefined, signal), [id], 10_000);
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  if (domain.error) return <Alert type="error" showIcon message={domain.error.message} />;
  if (!domain.data) return <Spin />;
  const d = domain.data;

  async function checkNow() {
    setError(undefined);
    setChecking(true);
    try {
      await api.post(`/v1/domains/${d.id}/verify`);
      message.info(t('developer.domains.checkSent'));
      // the workflow looks the records up a moment later
      setTimeout(() => domain.reload(true), 2_000);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setChecking(false);
    }
  }

  async function remove() {
    setError(undefined);
    try {
      await api.delete(`/v1/domains/${d.id}`);
      navigate('/developer/domains');
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const copyable = (text: string) => ({ text, tooltips: [t('developer.copy'), t('developer.copied')] });

  return (
    <>
      <Typography.Title level={2}>
        <Space>{d.name}<Tag color={domainStatusColor[d.status]} data-testid="domain-status">
          {t(`developer.domains.status.${d.status}`)}</Tag></Space>
      </Typography.Title>
      <Typography.Paragraph>
        <Space wrap><Link to="/developer/domains">{t('form.back')}</Link><WorkflowLink workflowId={d.workflow_id} /></Space>
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }}>
        <Descriptions.Item label={t('developer.domains.lastChecked')}>{formatSeconds(d.last_checked_at)}</Descriptions.Item>
        <Descriptions.Item label={t('developer.domains.verifiedAt')}>{formatTime(d.verified_at)}</Descriptions.Item>
        <Descriptions.Item label={t('developer.domains.provider')}>
          {t(`developer.domains.provider.${d.provider_registration}`)}
          {d.provider_reason && <Typography.Text type="secondary"> · {d.provider_reason}</Typography.Text>}
        </Descriptions.Item>
        <Descriptions.Item label={t('developer.domains.dkimSelector')}>{d.dkim_selector}</Descriptions.Item>
      </Descriptions>
      <Space wrap style={{ margin: '12px 0' }}>
        <Button type="primary" onClick={checkNow} loading={checking}>{t('developer.domains.checkNow')}</Button>
        <Typography.Text copyable={copyable(zoneFile(d.records))}>{t('developer.domains.copyZone')}</Typography.Text>
        <Popconfirm title={t('form.confirmDelete')} onConfirm={remove}>
          <Button danger>{t('form.delete')}</Button>
        </Popconfirm>
      </Space>
      <Typography.Paragraph type="secondary">{t('developer.domains.recordsHelp')}</Typography.Paragraph>
      <Table<DnsRecord> rowKey={(r) => `${r.purpose}-${r.host}-${r.expected_value}`} dataSource={d.records}
                        size="small" pagination={false} scroll={{ x: 1000 }} data-testid="dns-records"
                        columns={[
                          { title: t('developer.records.purpose'), dataIndex: 'purpose',
                            render: (v: string, r) => (
                              <Space size={4}>{t(`developer.records.purpose.${v}`)}
                                {!r.required && <Tag>{t('developer.records.optional')}</Tag>}</Space>
                            ) },
                          { title: t('developer.records.type'), dataIndex: 'type' },
                          { title: t('developer.records.host'), key: 'host', width: 200, render: (_, r) => {
                            const host = relativeHost(r.host, d.name);
                            return (
                              <Tooltip title={r.host}>
                                <Typography.Text code copyable={copyable(host)}>{host}</Typography.Text>
                              </Tooltip>
                            );
                          } },
                          { title: t('developer.records.value'), key: 'value', width: 380, render: (_, r) => {
                            const value = recordValue(r);
                            const priority = mxPriority(r);
                            return (
                              <>
                                <Typography.Text code copyable={copyable(value)} style={{ wordBreak: 'break-all' }}>
                                  {value}
                                </Typography.Text>
                                {priority !== undefined && (
                                  <div><Typography.Text type="secondary">
                                    {t('developer.records.priority', { priority })}</Typography.Text></div>
                                )}
                              </>
                            );
                          } },
                          { title: t('developer.records.status'), dataIndex: 'status', render: (v: string, r) => (
                            <Space direction="vertical" size={0}>
                              <Tag color={recordStatusColor[v]}>{t(`developer.records.status.${v}`)}</Tag>
                              {r.provider_status && <Typography.Text type="secondary">
                                DirectMail: {r.provider_status}{r.provider_reason ? ` · ${r.provider_reason}` : ''}
                              </Typography.Text>}
                            </Space>
                          ) },
                          { title: t('developer.records.observed'), dataIndex: 'observed_value', ellipsis: true,
                            render: (v: string | null) => v ?? '–' },
                          { title: t('developer.records.checkedAt'), dataIndex: 'checked_at', render: formatTime },
                        ]} />
      <Mailboxes domain={d} />
    </>
  );
}

function Mailboxes({ domain }: { domain: Domain }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = useApi((signal) => api.get<Mailbox[]>(`/v1/domains/${domain.id}/mailboxes`, undefined, signal),
                      [domain.id], 10_000);
  const [form] = Form.useForm<{ local_part: string }>();
  const [error, setError] = useState<string>();

  async function add(values: { local_part: string }) {
    setError(undefined);
    try {
      await api.post(`/v1/domains/${domain.id}/mailboxes`, { local_part: values.local_part.trim() });
      form.resetFields();
      list.reload(true);
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  return (
    <Card title={t('developer.mailboxes.title')} size="small" style={{ marginTop: 24 }}>
      <Typography.Paragraph type="secondary">
        {domain.status === 'VERIFIED' ? t('developer.mailboxes.help') : t('developer.mailboxes.needsVerified')}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="inline" onFinish={add} style={{ marginBottom: 12 }}>
        <Form.Item name="local_part" label={t('developer.mailboxes.localPart')}
                   rules={[{ required: true, message: t('form.required') }]}>
          <Input placeholder="service" suffix={`@${domain.name}`} style={{ width: 320 }} />
        </Form.Item>
        <Button htmlType="submit" disabled={domain.status !== 'VERIFIED'}>{t('developer.mailboxes.add')}</Button>
      </Form>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<Mailbox> rowKey="id" loading={list.loading} dataSource={list.data ?? []} size="small" pagination={false}
                      scroll={{ x: 700 }}
                      columns={[
                        { title: t('developer.mailboxes.address'), dataIndex: 'address',
                          render: (v: string) => <Typography.Text copyable>{v}</Typography.Text> },
                        { title: t('developer.mailboxes.status'), dataIndex: 'status', render: (v: string, m) => (
                          <Space direction="vertical" size={0}>
                            <Tag color={v === 'NORMAL' ? 'green' : v === 'FAILED' ? 'red' : 'default'}>
                              {t(`developer.mailboxes.status.${v}`)}</Tag>
                            {m.failure_reason && <Typography.Text type="danger">{m.failure_reason}</Typography.Text>}
                          </Space>
                        ) },
                        { title: t('developer.mailboxes.workflow'), dataIndex: 'workflow_id',
                          render: (v: string) => <WorkflowLink workflowId={v} /> },
                        { title: t('developer.keys.created'), dataIndex: 'created_at', render: formatTime },
                        { title: t('form.actions'), key: 'a', render: (_, m) => m.status !== 'PROVISIONING' && (
                          <Popconfirm title={t('form.confirmDelete')} onConfirm={async () => {
                            try {
                              await api.delete(`/v1/mailboxes/${m.id}`);
                              list.reload(true);
                            } catch (e) {
                              message.error((e as Error).message);
                            }
                          }}>
                            <Button size="small" danger>{t('form.delete')}</Button>
                          </Popconfirm>
                        ) },
                      ]} />
    </Card>
  );
}
