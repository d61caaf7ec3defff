import { useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Descriptions from 'antd/es/descriptions';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { fetchMessage, type Message, type MessageEvent } from './messageLookup';
import { useI18n } from '../../i18n';
import { showApiError } from '../../components/forms';
import { formatSeconds } from '../../components/format';

const statusColor: Record<string, string> = {
  queued: 'default', sending: 'processing', sent: 'green', failed: 'red', unknown: 'orange',
};

export default function MessagesPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<{ id: string; api_key: string }>();
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<Message>();
  const [loading, setLoading] = useState(false);

  async function lookUp(values: { id: string; api_key: string }) {
    setError(undefined);
    setLoading(true);
    try {
      setMessage(await fetchMessage(values.id.trim(), values.api_key.trim()));
    } catch (e) {
      setMessage(undefined);
      setError(showApiError(form, e));
    } finally {
      setLoading(false);
    }
  }

  return (
    <>
      <Typography.Title level={2}>{t('developer.messages.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('developer.messages.help')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={lookUp} style={{ maxWidth: 560 }}>
        <Form.Item name="id" label={t('developer.messages.id')} rules={[{ required: true, message: t('form.required') }]}>
          <Input placeholder="msg_…" />
        </Form.Item>
        <Form.Item name="api_key" label={t('developer.messages.apiKey')} extra={t('developer.messages.apiKeyHelp')}
                   rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="off" placeholder="edm_live_…" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading}>{t('developer.messages.lookUp')}</Button>
      </Form>
      {message && (
        <Card size="small" style={{ marginTop: 16 }} title={<Typography.Text code>{message.id}</Typography.Text>}
              extra={<Tag color={statusColor[message.status]}>{t(`developer.messages.status.${message.status}`)}</Tag>}>
          <Descriptions size="small" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('developer.messages.from')}>{message.from}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.to')}>{message.to}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.subject')}>{message.subject}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.campaign')}>{message.campaign_id ?? '–'}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.created')}>{formatSeconds(message.created_at)}</Descriptions.Item>
            <Descriptions.Item label={t('developer.messages.sent')}>{formatSeconds(message.sent_at)}</Descriptions.Item>
            {message.error && <Descriptions.Item label={t('developer.messages.error')}>{message.error}</Descriptions.Item>}
            {!!message.tags?.length && (
              <Descriptions.Item label={t('developer.messages.tags')}>
                {message.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Table<MessageEvent> rowKey={(e, i) => `${e.type}-${e.at}-${i}`} dataSource={message.events} size="small"
                               pagination={false}
                               columns={[
                                 { title: t('developer.messages.at'), dataIndex: 'at', render: formatSeconds },
                                 { title: t('developer.messages.event'), dataIndex: 'type' },
                                 { title: t('developer.messages.detail'), key: 'd', render: (_, e) => (
                                   <>{e.url}{e.machine && <Tag style={{ marginLeft: 6 }}>{t('developer.messages.machine')}</Tag>}</>
                                 ) },
                               ]} />
        </Card>
      )}
    </>
  );
}
