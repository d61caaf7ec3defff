import { useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Typography from 'antd/es/typography';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { showApiError } from '../components/forms';

export default function SignInPage() {
  const { signIn } = useAuth();
  const { t, lang, setLang } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(values: { username: string; password: string }) {
    setBusy(true);
    setError(undefined);
    try {
      await signIn(values.username, values.password);
    } catch (e) {
      setError(showApiError(form, e));
      setBusy(false);
    }
  }

  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center',
                   background: '#f5f5f5', padding: 16 }}>
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t('app.name')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('signIn.intro')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ username: '', password: '' }}
              requiredMark={false}>
          <Form.Item name="username" label={t('signIn.username')}
                     rules={[{ required: true, message: t('form.required') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('signIn.password')}
                     rules={[{ required: true, message: t('form.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>{t('signIn.submit')}</Button>
        </Form>
        <Button type="link" style={{ marginTop: 8, paddingLeft: 0 }}
                onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
          {lang === 'zh-CN' ? 'English' : '中文'}
        </Button>
      </Card>
    </main>
  );
}
