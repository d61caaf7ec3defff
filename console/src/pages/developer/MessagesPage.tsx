import { useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import DatePicker from 'antd/es/date-picker';
import Descriptions from 'antd/es/descriptions';
import Drawer from 'antd/es/drawer';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { api, type Page } from '../../api/client';
import { useApi } from '../../api/useApi';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatSeconds } from '../../components/format';
import {
  MESSAGE_STATUSES, messageQuery, type Message, type MessageEvent, type MessageFilters, type MessageSummary,
} from './messages';

const statusColor: Record<string, string> = {
  queued: 'default', sending: 'processing', sent: 'green', failed: 'red', unknown: 'orange',
};
const PAGE_SIZE = 50;

/**
 * The developer API's messages (POST /api/v1/send), newest first, filtered by status, campaign id, recipient, tag and
 * time; a row (or a typed message id) opens the message with its events. The console reads them with the person's
 * session through /v1/messages; API keys are not needed here.
 */
export default function MessagesPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<MessageFilters>();
  const [filters, setFilters] = useState<MessageFilters>({});
  const [page, setPage] = useState(0);
  const [error, setError] = useState<string>();
  const [openId, setOpenId] = useState<string>();
  const list = useApi(async (signal) => {
    try {
      const answer = await api.get<Page<MessageSummary>>('/v1/messages', messageQuery(filters, page, PAGE_SIZE), signal);
      setError(undefined);
      return answer;
    } catch (e) {
      // a refused filter is shown next to its field; the filters stay as typed
      setError(showApiError(form, e, { from: 'range', until: 'range' }));
      throw e;
    }
  }, [filters, page], 10_000);

  return (
    <>
      <Typography.Title level={2}>{t('developer.messages.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('developer.messages.help')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(values) => { setPage(0); setFilters(values); }}
            style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="status" label={t('developer.messages.statusLabel')}>
          <Select allowClear style={{ width: 150 }}
                  options={MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`developer.messages.status.${s}`) }))} />
        </Form.Item>
        <Form.Item name="to" label={t('developer.messages.to')}>
          <Input style={{ width: 200 }} placeholder="someone@example.com" />
        </Form.Item>
        <Form.Item name="campaign_id" label={t('developer.messages.campaign')}>
          <Input style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="tag" label={t('developer.messages.tags')}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="range" label={t('developer.messages.created')}>
          <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
        </Form.Item>
        <Button type="primary" htmlType="submit">{t('form.search')}</Button>
      </Form>
      <Input.Search placeholder={t('developer.messages.openById')} allowClear enterButton={t('developer.messages.open')}
                    style={{ maxWidth: 420, marginBottom: 12 }}
                    onSearch={(id) => id.trim() && setOpenId(id.trim())} />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Table<MessageSummary> rowKey="id" loading={list.loading} dataSource={list.data?.items ?? []} size="small"
                             scroll={{ x: 900 }}
                             onRow={(m) => ({ onClick: () => setOpenId(m.id), style: { cursor: 'pointer' } })}
                             pagination={{ current: page + 1, pageSize: PAGE_SIZE, total: list.data?.total_items ?? 0,
                                           showSizeChanger: false, onChange: (p) => setPage(p - 1) }}
                             columns={[
                               { title: t('developer.messages.created'), dataIndex: 'created_at', render: formatSeconds },
                               { title: t('developer.messages.statusLabel'), dataIndex: 'status',
                                 render: (s: string) => <Tag color={statusColor[s]}>{t(`developer.messages.status.${s}`)}</Tag> },
                               { title: t('developer.messages.to'), dataIndex: 'to' },
                               { title: t('developer.messages.subject'), dataIndex: 'subject', ellipsis: true },
                               { title: t('developer.messages.campaign'), dataIndex: 'campaign_id',
                                 render: (v: string | null) => v ?? '–' },
                               { title: t('developer.messages.id'), dataIndex: 'id',
                                 render: (v: string) => <Typography.Text code copyable>{v}</Typography.Text> },
                             ]} />
      <MessageDrawer id={openId} onClose={() => setOpenId(undefined)} />
    </>
  );
}

function MessageDrawer({ id, onClose }: { id?: string; onClose: () => void }) {
  const { t } = useI18n();
  const message = useApi((signal) => (id
    ? api.get<Message>(`/v1/messages/${encodeURIComponent(id)}`, undefined, signal)
    : Promise.resolve(undefined)), [id]);
  const m = message.data;
  return (
    <Drawer open={!!id} onClose={onClose} width={640} title={id && <Typography.Text code>{id}</Typography.Text>}
            extra={m && <Tag color={statusColor[m.status]}>{t(`developer.messages.status.${m.status}`)}</Tag>}>
      {message.error && <Alert type="error" showIcon message={message.error.message} />}
      {m && m.id === id && (
        <>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('developer.messages.from')}>{m.from}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.to')}>{m.to}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.subject')}>{m.subject}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.campaign')}>{m.campaign_id ?? '–'}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.created')}>{formatSeconds(m.created_at)}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.sent')}>{formatSeconds(m.sent_at)}</Descriptions.Item>
            {m.error && <Descriptions.Item label={t('developer.messages.error')}>{m.error}</Descriptions.Item>}
            {!!m.tags?.length && (
              <Descriptions.Item label={t('developer.messages.tags')}>
                {m.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Table<MessageEvent> rowKey={(e, i) => `${e.type}-${e.at}-${i}`} dataSource={m.events} size="small"
                               pagination={false}
                               columns={[
                                 { title: t('developer.messages.at'), dataIndex: 'at', render: formatSeconds },
                                 { title: t('developer.messages.event'), dataIndex: 'type' },
                                 { title: t('developer.messages.detail'), key: 'd', render: (_, e) => (
                                   <>{e.url}{e.machine && <Tag style={{ marginLeft: 6 }}>{t('developer.messages.machine')}</Tag>}</>
                                 ) },
                               ]} />
        </>
      )}
    </Drawer>
  );
}
