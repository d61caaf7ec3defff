import { useState } from 'react';
import Alert from 'antd/es/alert';
import AutoComplete from 'antd/es/auto-complete';
import Button from 'antd/es/button';
import DatePicker from 'antd/es/date-picker';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Table from 'antd/es/table';
import Typography from 'antd/es/typography';
import type { Dayjs } from 'dayjs';
import { api, type Page } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatSeconds } from '../../components/format';
import type { AuditEntry, User } from './types';

interface Filters {
  actor_id?: number;
  entity?: string;
  entity_id?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

// the usual ones; any other (e.g. QUOTA_ADJUSTMENTS, IMPORT) can be typed: the api names them after the path
const ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'UNFREEZE', 'QUOTA_ADJUSTMENTS', 'PASSWORD', 'UNLOCK'];

/** The audit trail, newest first, filtered by who, what, which id, action and time; each row opens its before/after. */
export default function AuditLogPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(0);
  const [error, setError] = useState<string>();
  const users = useApi((signal) => api.get<Page<User>>('/v1/users', { size: 500 }, signal), []);
  const log = useApi(async (signal) => {
    try {
      const answer = await api.get<Page<AuditEntry>>('/v1/admin/audit-log', {
        actor_id: filters.actor_id, entity: filters.entity?.trim(), entity_id: filters.entity_id?.trim(),
        action: filters.action?.trim(), from: filters.range?.[0]?.toISOString(), to: filters.range?.[1]?.toISOString(),
        page, size: 50,
      }, signal);
      setError(undefined);
      return answer;
    } catch (e) {
      // a refused filter is shown next to its field; the filters stay as typed
      setError(showApiError(form, e, { from: 'range', to: 'range' }));
      throw e;
    }
  }, [filters, page]);

  return (
    <>
      <Typography.Title level={2}>{t('admin.audit.title')}</Typography.Title>
      <Form form={form} layout="inline" onFinish={(values) => { setPage(0); setFilters(values); }}
            style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="actor_id" label={t('admin.audit.actor')}>
          <Select allowClear showSearch optionFilterProp="label" style={{ width: 180 }}
                  options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.username }))} />
        </Form.Item>
        <Form.Item name="entity" label={t('admin.audit.entity')}>
          <Input placeholder="user, sender_service, campaign…" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="entity_id" label={t('admin.audit.entityId')}>
          <Input style={{ width: 100 }} />
        </Form.Item>
        <Form.Item name="action" label={t('admin.audit.action')}>
          <AutoComplete allowClear style={{ width: 170 }} placeholder="UNFREEZE"
                        options={ACTIONS.map((a) => ({ value: a }))} filterOption />
        </Form.Item>
        <Form.Item name="range" label={t('admin.audit.time')}>
          <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('form.search')}</Button>
      </Form>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Table<AuditEntry> rowKey="id" loading={log.loading} dataSource={log.data?.items ?? []} size="small"
                         scroll={{ x: 900 }}
                         pagination={{ current: page + 1, pageSize: 50, total: log.data?.total_items ?? 0,
                                       onChange: (p) => setPage(p - 1) }}
                         expandable={{
                           expandedRowRender: (r) => (
                             <pre style={{ whiteSpace: 'pre-wrap', margin: 0, fontSize: 12 }}>
                               {JSON.stringify({ before: r.before, after: r.after, request: r.request }, null, 2)}
                             </pre>
                           ),
                         }}
                         columns={[
                           { title: t('admin.audit.at'), dataIndex: 'at', render: formatSeconds },
                           { title: t('admin.audit.actor'), dataIndex: 'actor_username',
                             render: (v: string | null, r) => v ?? r.actor_id ?? t('admin.audit.system') },
                           { title: t('admin.audit.action'), dataIndex: 'action' },
                           { title: t('admin.audit.entity'), dataIndex: 'entity' },
                           { title: t('admin.audit.entityId'), dataIndex: 'entity_id' },
                           { title: t('admin.audit.clientIp'), dataIndex: 'client_ip' },
                         ]} />
    </>
  );
}
