import { useState } from 'react';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Popconfirm from 'antd/es/popconfirm';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { ImportOutlined } from '@ant-design/icons';
import { api, type Page } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { showApiError } from '../../../components/forms';
import { formatTime } from '../../../components/format';
import ImportModal from './ImportModal';

export interface Contact {
  id: number;
  email: string;
  nickname: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

export interface TagCount {
  tag: string;
  contacts: number;
}

export default function ContactsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [query, setQuery] = useState('');
  const [tag, setTag] = useState<string>();
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(20);
  const [importing, setImporting] = useState(false);
  const [editing, setEditing] = useState<Contact>();
  const [form] = Form.useForm();
  const [editError, setEditError] = useState<string>();

  const list = useApi((signal) => api.get<Page<Contact>>('/v1/contacts', { q: query, tag, page, size }, signal),
                      [query, tag, page, size]);
  const tags = useApi((signal) => api.get<TagCount[]>('/v1/contacts/tags', undefined, signal), []);

  function reload() {
    list.reload();
    tags.reload();
  }

  async function saveEdit(values: { nickname?: string; tags: string[] }) {
    try {
      await api.put(`/v1/contacts/${editing!.id}`, { nickname: values.nickname ?? '', tags: values.tags });
      message.success(t('form.saved'));
      setEditing(undefined);
      reload();
    } catch (e) {
      setEditError(showApiError(form, e));
    }
  }

  async function erase(contact: Contact) {
    try {
      await api.delete(`/v1/contacts/${contact.id}`);
      message.success(t('contacts.erased'));
      reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  }

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>{t('contacts.title')}</Typography.Title>
        <Button type="primary" icon={<ImportOutlined />} onClick={() => setImporting(true)}>
          {t('contacts.import.open')}
        </Button>
      </Space>
      <Space wrap style={{ margin: '16px 0' }}>
        <Input.Search allowClear placeholder={t('contacts.searchPlaceholder')} aria-label={t('form.search')}
                      onSearch={(v) => { setQuery(v); setPage(0); }} style={{ width: 280 }} />
        <Select allowClear placeholder={t('contacts.filterTag')} aria-label={t('contacts.filterTag')} value={tag}
                onChange={(v) => { setTag(v); setPage(0); }} style={{ width: 220 }} showSearch
                options={(tags.data ?? []).map((x) => ({ value: x.tag, label: `${x.tag} (${x.contacts})` }))} />
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<Contact> rowKey="id" loading={list.loading} dataSource={list.data?.items ?? []} scroll={{ x: 800 }}
                      pagination={{ current: page + 1, pageSize: size, total: list.data?.total_items ?? 0,
                                    showSizeChanger: true,
                                    onChange: (p, s) => { setPage(p - 1); setSize(s); } }}
                      columns={[
                        { title: t('contacts.email'), dataIndex: 'email' },
                        { title: t('contacts.nickname'), dataIndex: 'nickname' },
                        { title: t('contacts.tags'), dataIndex: 'tags',
                          render: (v: string[]) => v.map((x) => <Tag key={x}>{x}</Tag>) },
                        { title: t('contacts.created'), dataIndex: 'created_at', render: formatTime },
                        { title: t('form.actions'), key: 'actions', render: (_, c) => (
                          <Space>
                            <Button size="small" onClick={() => {
                              setEditError(undefined);
                              setEditing(c);
                              form.setFieldsValue({ nickname: c.nickname ?? '', tags: c.tags });
                            }}>{t('contacts.editTags')}</Button>
                            <Button size="small" onClick={() => api.download(`/v1/contacts/${c.id}/export`,
                              `contact-${c.id}.json`, 'application/json')}>{t('contacts.export')}</Button>
                            <Popconfirm title={t('contacts.eraseConfirm')} onConfirm={() => erase(c)}
                                        okText={t('contacts.erase')} okButtonProps={{ danger: true }}>
                              <Button size="small" danger>{t('contacts.erase')}</Button>
                            </Popconfirm>
                          </Space>
                        ) },
                      ]} />
      <ImportModal open={importing} onClose={() => setImporting(false)} onImported={(r) => {
        message.success(t('contacts.import.done', { created: r.created, updated: r.updated }));
        setImporting(false);
        reload();
      }} />
      <Modal open={!!editing} title={editing?.email} onCancel={() => setEditing(undefined)}
             onOk={() => form.submit()} okText={t('form.save')} forceRender>
        {editError && <Alert type="error" showIcon message={editError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={saveEdit} initialValues={{ nickname: '', tags: [] }}>
          <Form.Item name="nickname" label={t('contacts.nickname')}>
            <Input />
          </Form.Item>
          <Form.Item name="tags" label={t('contacts.tags')}>
            <Select mode="tags" tokenSeparators={[',', ';']}
                    options={(tags.data ?? []).map((x) => ({ value: x.tag, label: x.tag }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
