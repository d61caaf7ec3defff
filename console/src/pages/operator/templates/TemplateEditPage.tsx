import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Row from 'antd/es/row';
import Space from 'antd/es/space';
import Tooltip from 'antd/es/tooltip';
import Typography from 'antd/es/typography';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { showApiError } from '../../../components/forms';
import { BUILT_IN_VARIABLES, hasUnsubscribeLink, renderPreview } from './preview';
import type { Template } from './TemplatesPage';

interface Variable {
  id: number;
  variable_key: string;
  display_name: string;
  description: string | null;
}

interface Values {
  name: string;
  subject: string;
  body_html: string;
}

const STARTER = '<p>{{nickname}}，您好：</p>\n<p></p>\n<p><a href="{{unsubscribe_url}}">退订</a></p>';

/** HTML editor with live preview, a variable picker, and the unsubscribe-link rule checked before saving. */
export default function TemplateEditPage() {
  const { id } = useParams();
  const isNew = id === 'new';
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const body = Form.useWatch('body_html', form) ?? '';
  const subject = Form.useWatch('subject', form) ?? '';
  const bodyRef = useRef<TextAreaRef>(null);
  const variables = useApi((signal) => api.get<Variable[]>('/v1/settings/variables', undefined, signal), []);
  const existing = useApi((signal) => (isNew ? Promise.resolve(undefined)
    : api.get<Template>(`/v1/templates/${id}`, undefined, signal)), [id]);

  useEffect(() => {
    if (existing.data) form.setFieldsValue(existing.data);
  }, [existing.data, form]);

  /** Puts {{key}} where the cursor is in the body (or at its end). */
  function insert(key: string) {
    const area = bodyRef.current?.resizableTextArea?.textArea;
    const current: string = form.getFieldValue('body_html') ?? '';
    const token = `{{${key}}}`;
    const start = area?.selectionStart ?? current.length;
    const end = area?.selectionEnd ?? current.length;
    form.setFieldsValue({ body_html: current.slice(0, start) + token + current.slice(end) });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  async function save(values: Values) {
    setBusy(true);
    setError(undefined);
    try {
      if (isNew) {
        const created = await api.post<Template>('/v1/templates', values);
        message.success(t('form.saved'));
        navigate(`/templates/${created.id}`, { replace: true });
      } else {
        await api.put(`/v1/templates/${id}`, values);
        message.success(t('form.saved'));
        existing.reload();
      }
    } catch (e) {
      setError(showApiError(form, e));
    } finally {
      setBusy(false);
    }
  }

  const variableKeys = [...BUILT_IN_VARIABLES, ...(variables.data ?? []).map((v) => v.variable_key)];
  const unsubscribeOk = hasUnsubscribeLink(body);

  return (
    <>
      <Typography.Title level={2}>{isNew ? t('templates.new') : t('templates.edit')}</Typography.Title>
      {existing.error && <Alert type="error" showIcon message={existing.error.message} />}
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={12}>
          <Form form={form} layout="vertical" onFinish={save}
                initialValues={{ name: '', subject: '', body_html: STARTER }}>
            <Form.Item name="name" label={t('templates.name')}
                       rules={[{ required: true, message: t('form.required') }]}>
              <Input maxLength={255} />
            </Form.Item>
            <Form.Item name="subject" label={t('templates.subject')}
                       rules={[{ required: true, message: t('form.required') }]}>
              <Input maxLength={500} />
            </Form.Item>
            <div style={{ marginBottom: 8 }}>
              <Typography.Text id="variable-picker">{t('templates.insertVariable')}</Typography.Text>
              <div role="group" aria-labelledby="variable-picker" style={{ marginTop: 4 }}>
                <Space wrap size={4}>
                  {variableKeys.map((key) => {
                    const custom = variables.data?.find((v) => v.variable_key === key);
                    return (
                      <Tooltip key={key} title={custom?.display_name ?? t(`templates.var.${key}`)}>
                        <Button size="small" onClick={() => insert(key)}>{`{{${key}}}`}</Button>
                      </Tooltip>
                    );
                  })}
                </Space>
              </div>
            </div>
            <Form.Item name="body_html" label={t('templates.body')}
                       rules={[{ required: true, message: t('form.required') },
                               { validator: (_, v: string) => (hasUnsubscribeLink(v ?? '') ? Promise.resolve()
                                 : Promise.reject(new Error(t('templates.unsubscribeMissing')))) }]}>
              <Input.TextArea ref={bodyRef} rows={16} spellCheck={false}
                              style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 13 }} />
            </Form.Item>
            <div data-testid="unsubscribe-rule" style={{ marginBottom: 16 }}>
              <Alert type={unsubscribeOk ? 'success' : 'warning'} showIcon message={t('templates.unsubscribeRule')}
                     description={unsubscribeOk ? t('templates.unsubscribePresent') : t('templates.unsubscribeMissing')} />
            </div>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>{t('form.save')}</Button>
              <Button onClick={() => navigate('/templates')}>{t('form.back')}</Button>
            </Space>
          </Form>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('templates.preview')} size="small">
            <Typography.Paragraph strong data-testid="preview-subject">
              {renderPreview(subject, undefined, true)}
            </Typography.Paragraph>
            {/* sandboxed: the template's HTML can run nothing in the console */}
            <iframe title={t('templates.preview')} sandbox="" srcDoc={renderPreview(body)}
                    style={{ width: '100%', height: 420, border: '1px solid #f0f0f0', background: '#fff' }} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
