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
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { showApiError } from '../../../components/forms';
import type { Template } from './TemplatesPage';

export interface TemplateSet {
  id: number;
  name: string;
  template_ids: number[];
  templates: { id: number; name: string; subject: string }[];
}

/** Template sets: each recipient of a task gets one template of its set, picked at random. */
export default function TemplateSetsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const sets = useApi((signal) => api.get<TemplateSet[]>('/v1/template-sets', undefined, signal), []);
  const templates = useApi((signal) => api.get<Template[]>('/v1/templates', undefined, signal), []);
  const [editing, setEditing] = useState<TemplateSet | 'new'>();
  const [form] = Form.useForm<{ name: string; template_ids: number[] }>();
  const [error, setError] = useState<string>();

  function open(set: TemplateSet | 'new') {
    setError(undefined);
    setEditing(set);
    form.setFieldsValue(set === 'new' ? { name: '', template_ids: [] } : { name: set.name, template_ids: set.template_ids });
  }

  async function save(values: { name: string; template_ids: number[] }) {
    try {
      if (editing === 'new') await api.post('/v1/template-sets', values);
      else await api.put(`/v1/template-sets/${editing!.id}`, values);
      message.success(t('form.saved'));
      setEditing(undefined);
      sets.reload();
    } catch (e) {
      setError(showApiError(form, e));
    }
  }

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>{t('templateSets.title')}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>{t('templateSets.new')}</Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('templateSets.help')}</Typography.Paragraph>
      {sets.error && <Alert type="error" showIcon message={sets.error.message} />}
      <Table<TemplateSet> rowKey="id" loading={sets.loading} dataSource={sets.data ?? []} scroll={{ x: 600 }}
                          columns={[
                            { title: t('templateSets.name'), dataIndex: 'name' },
                            { title: t('templateSets.templates'), dataIndex: 'templates',
                              render: (v: TemplateSet['templates']) => v.map((x) => <Tag key={x.id}>{x.name}</Tag>) },
                            { title: t('form.actions'), key: 'a', render: (_, r) => (
                              <Space>
                                <Button size="small" onClick={() => open(r)}>{t('form.edit')}</Button>
                                <Popconfirm title={t('form.confirmDelete')} onConfirm={async () => {
                                  try {
                                    await api.delete(`/v1/template-sets/${r.id}`);
                                    sets.reload();
                                  } catch (e) {
                                    message.error((e as Error).message);
                                  }
                                }}>
                                  <Button size="small" danger>{t('form.delete')}</Button>
                                </Popconfirm>
                              </Space>
                            ) },
                          ]} />
      <Modal open={!!editing} title={editing === 'new' ? t('templateSets.new') : t('form.edit')} forceRender
             onCancel={() => setEditing(undefined)} onOk={() => form.submit()} okText={t('form.save')}>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={save} initialValues={{ name: '', template_ids: [] }}>
          <Form.Item name="name" label={t('templateSets.name')} rules={[{ required: true, message: t('form.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="template_ids" label={t('templateSets.templates')}
                     rules={[{ required: true, message: t('form.required') }]}>
            <Select mode="multiple" optionFilterProp="label"
                    options={(templates.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
