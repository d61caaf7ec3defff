import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Descriptions from 'antd/es/descriptions';
import Form from 'antd/es/form';
import InputNumber from 'antd/es/input-number';
import Popconfirm from 'antd/es/popconfirm';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Typography from 'antd/es/typography';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatSeconds } from '../../components/format';
import WorkflowLink from '../../components/WorkflowLink';
import ServiceStateTag from './ServiceStateTag';
import { unfreeze } from './unfreeze';
import type { SenderService } from './types';

/** One sender service: live state from its workflow, today's quota (adjustable), the freeze and how to lift it. */
export default function SenderServicePage() {
  const { id } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const service = useApi((signal) => api.get<SenderService>(`/v1/admin/sender-services/${id}`, undefined, signal),
                         [id], 10_000);
  const [form] = Form.useForm<{ remaining_today: number | null }>();
  const [error, setError] = useState<string>();

  if (service.error) return <Alert type="error" showIcon message={service.error.message} />;
  if (!service.data) return <Spin />;
  const s = service.data;

  async function doUnfreeze() {
    setError(undefined);
    try {
      service.setData(await unfreeze(s.id));
      message.success(t('admin.services.unfrozen'));
      service.reload(true);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function adjust(values: { remaining_today: number | null }) {
    setError(undefined);
    try {
      service.setData(await api.post<SenderService>(`/v1/admin/sender-services/${s.id}/quota-adjustments`, values));
      form.resetFields();
      message.success(t('form.saved'));
      service.reload(true);
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  const connection = s.smtp ? `${s.smtp.host}:${s.smtp.port}${s.smtp.tls === false ? '' : ' (TLS)'}`
    : s.aliyun ? `${s.aliyun.access_key_id} · ${s.aliyun.region ?? 'cn-hangzhou'}`
      : s.engagelab ? `${s.engagelab.api_user} · ${s.engagelab.endpoint ?? ''}` : '–';

  return (
    <>
      <Typography.Title level={2}><Space>{s.name}<ServiceStateTag state={s.state} /></Space></Typography.Title>
      <Typography.Paragraph>
        <Space wrap><Link to="/admin/sender-services">{t('form.back')}</Link><WorkflowLink workflowId={s.workflow_id} /></Space>
      </Typography.Paragraph>
      {s.state === 'FROZEN' && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }}
               message={t('admin.services.frozenSince', { at: formatSeconds(s.frozen_at) })}
               description={s.frozen_reason}
               action={
                 <Popconfirm title={t('admin.services.unfreezeConfirm')} onConfirm={doUnfreeze}>
                   <Button type="primary">{t('admin.services.unfreeze')}</Button>
                 </Popconfirm>
               } />
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('admin.services.provider')}>{t(`admin.provider.${s.provider}`)}</Descriptions.Item>
        <Descriptions.Item label={t('admin.services.domain')}>{s.domain}</Descriptions.Item>
        <Descriptions.Item label={t('admin.services.connection')}>{connection}</Descriptions.Item>
        <Descriptions.Item label={t('admin.services.secret')}>
          {s.has_secret ? t('admin.services.secretStored') : t('admin.services.secretNone')}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.services.remainingToday')}>
          <span data-testid="remaining-today">{s.remaining_today}</span> / {s.daily_quota}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.services.sendsToday')}>{s.sends_today ?? s.used_today}</Descriptions.Item>
        <Descriptions.Item label={t('admin.services.quotaDay')}>{formatSeconds(s.quota_day_started_at)}</Descriptions.Item>
        <Descriptions.Item label={t('admin.services.nextReset')}>
          {formatSeconds(s.next_reset_at)} ({s.reset_time} {s.time_zone})
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.services.throttle')}>{s.throttle_seconds} s</Descriptions.Item>
        <Descriptions.Item label={t('admin.services.failures')}>
          {s.consecutive_failures} / {s.failure_threshold}
          {s.failure_window_minutes ? ` (${s.failure_window_minutes} min)` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.services.lastError')} span={2}>
          {s.last_error ? `${formatSeconds(s.last_error_at)} ${s.last_error}` : '–'}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.services.workflowState')} span={2}>
          {s.live ? t(`admin.services.live.${s.live.workflow_state}`) : '–'}
          {s.live?.cooling_until && ` · ${t('admin.services.coolingUntil')} ${formatSeconds(s.live.cooling_until)}`}
          {s.live?.quota_resets_at && ` · ${t('admin.services.quotaResetsAt')} ${formatSeconds(s.live.quota_resets_at)}`}
          {!!s.live?.waiting_task_ids.length && (
            <> · {t('admin.services.waitingTasks')}{' '}
              {s.live.waiting_task_ids.map((tid) => <Link key={tid} to={`/tasks/${tid}`} style={{ marginRight: 6 }}>#{tid}</Link>)}
            </>
          )}
        </Descriptions.Item>
      </Descriptions>
      <Card title={t('admin.services.adjustToday')} size="small" style={{ maxWidth: 560 }}>
        <Typography.Paragraph type="secondary">{t('admin.services.adjustHelp')}</Typography.Paragraph>
        <Form form={form} layout="inline" onFinish={adjust}>
          <Form.Item name="remaining_today" label={t('admin.services.newRemaining')}
                     rules={[{ required: true, message: t('form.required') }]}>
            <InputNumber precision={0} min={0} max={s.daily_quota} />
          </Form.Item>
          <Button htmlType="submit">{t('form.save')}</Button>
        </Form>
      </Card>
    </>
  );
}
