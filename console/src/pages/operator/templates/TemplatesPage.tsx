import App from 'antd/es/app';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Popconfirm from 'antd/es/popconfirm';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { formatTime } from '../../../components/format';

export interface Template {
  id: number;
  name: string;
  subject: string;
  body_html: string;
  variables: string[];
  created_at: string;
  updated_at: string;
}

export default function TemplatesPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const list = useApi((signal) => api.get<Template[]>('/v1/templates', undefined, signal), []);
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>{t('templates.title')}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/templates/new')}>
          {t('templates.new')}
        </Button>
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<Template> rowKey="id" loading={list.loading} dataSource={list.data ?? []} scroll={{ x: 700 }}
                       columns={[
                         { title: t('templates.name'), dataIndex: 'name',
                           render: (v, r) => <Link to={`/templates/${r.id}`}>{v}</Link> },
                         { title: t('templates.subject'), dataIndex: 'subject' },
                         { title: t('templates.variables'), dataIndex: 'variables',
                           render: (v: string[]) => v.map((x) => <Tag key={x}>{x}</Tag>) },
                         { title: t('templates.updated'), dataIndex: 'updated_at', render: formatTime },
                         { title: t('form.actions'), key: 'a', render: (_, r) => (
                           <Popconfirm title={t('form.confirmDelete')} onConfirm={async () => {
                             try {
                               await api.delete(`/v1/templates/${r.id}`);
                               list.reload();
                             } catch (e) {
                               message.error((e as Error).message);
                             }
                           }}>
                             <Button size="small" danger>{t('form.delete')}</Button>
                           </Popconfirm>
                         ) },
                       ]} />
    </>
  );
}
