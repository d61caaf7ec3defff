import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import dayjs, { type Dayjs } from 'dayjs';
import Alert from 'antd/es/alert';
import App from 'antd/es/app';
import Button from 'antd/es/button';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import DatePicker from 'antd/es/date-picker';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Row from 'antd/es/row';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Typography from 'antd/es/typography';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import { showApiError } from '../../../components/forms';
import type { SenderName } from '../senders/SenderNamesPage';
import type { TemplateSet } from '../templates/TemplateSetsPage';
import type { TagCount } from '../contacts/ContactsPage';
import RuleBuilder from './RuleBuilder';
import Timeline from './Timeline';
import { emptyRule, normalizeRule, type RecipientRule } from './rule';
import type { Campaign } from './types';

interface TaskValues {
  name: string;
  plan_time?: Dayjs | null;
  recipient_rule: RecipientRule;
  template_set_id?: number;
  sender_name?: string;
}

interface Values {
  name: string;
  start_time?: Dayjs;
  interval_days: number;
  tasks: TaskValues[];
}

const FORMAT = 'YYYY-MM-DD HH:mm';

/**
 * The campaign builder: name, T (start), Δd (days between tasks) and the tasks on a timeline with their plan
 * times; per task a recipient rule with its live planned audience, a template set and a sender name; and the
 * quota check (planned audiences against the balance) before the draft is saved. Activation is on the campaign
 * page. Editing is for drafts only (the api answers 409 otherwise).
 */
export default function CampaignBuilderPage() {
  const { id } = useParams();
  const editing = id !== undefined;
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [planned, setPlanned] = useState<Record<number, number | undefined>>({});

  const sets = useApi((s) => api.get<TemplateSet[]>('/v1/template-sets', undefined, s), []);
  const names = useApi((s) => api.get<SenderName[]>('/v1/sender-names', undefined, s), []);
  const tags = useApi((s) => api.get<TagCount[]>('/v1/contacts/tags', undefined, s), []);
  const quota = useApi((s) => api.get<{ balance: number }>('/v1/me/quota', undefined, s), []);
  const existing = useApi((s) => (editing ? api.get<Campaign>(`/v1/campaigns/${id}`, undefined, s)
    : Promise.resolve(undefined)), [id]);

  useEffect(() => {
    const c = existing.data;
    if (!c) return;
    const start = c.start_time ? dayjs(c.start_time) : undefined;
    form.setFieldsValue({
      name: c.name,
      start_time: start,
      interval_days: c.interval_days,
      tasks: c.tasks.map((task, i) => {
        const derived = start?.add(i * c.interval_days, 'day');
        return {
          name: task.name,
          // a plan time that is just T + n × Δd is not the task's own: it follows T and Δd when they change
          plan_time: derived && dayjs(task.plan_time).isSame(derived) ? null : dayjs(task.plan_time),
          recipient_rule: { ...emptyRule(), ...task.recipient_rule },
          template_set_id: task.template_set_id,
          sender_name: task.sender_name,
        };
      }),
    });
  }, [existing.data, form]);

  const watched = Form.useWatch([], form) as Values | undefined;
  const timelineTasks = (watched?.tasks ?? []).map((task) => ({
    name: task?.name ?? '', plan_time: task?.plan_time ? task.plan_time.toISOString() : null,
  }));
  const taskCount = watched?.tasks?.length ?? 0;
  const totalPlanned = useMemo(() => {
    const values = Array.from({ length: taskCount }, (_, i) => planned[i]);
    return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, b) => a + (b ?? 0), 0);
  }, [planned, taskCount]);
  const balance = quota.data?.balance;

  async function save(values: Values) {
    setBusy(true);
    setError(undefined);
    const body = {
      name: values.name,
      start_time: values.start_time?.toISOString(),
      interval_days: values.interval_days,
      tasks: values.tasks.map((task) => ({
        name: task.name,
        ...(task.plan_time ? { plan_time: task.plan_time.toISOString() } : {}),
        recipient_rule: normalizeRule(task.recipient_rule),
        template_set_id: task.template_set_id,
        sender_name: task.sender_name,
      })),
    };
    try {
      const saved = editing ? await api.put<Campaign>(`/v1/campaigns/${id}`, body)
        : await api.post<Campaign>('/v1/campaigns', body);
      message.success(t('form.saved'));
      navigate(`/campaigns/${saved.id}`);
    } catch (e) {
      setError(showApiError(form, e));
    } finally {
      setBusy(false);
    }
  }

  const tagNames = (tags.data ?? []).map((x) => x.tag);
  return (
    <>
      <Typography.Title level={2}>{editing ? t('campaigns.edit') : t('campaigns.new')}</Typography.Title>
      {existing.error && <Alert type="error" showIcon message={existing.error.message} />}
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={save} scrollToFirstError
            initialValues={{ name: '', interval_days: 1,
                             tasks: [{ name: '', recipient_rule: emptyRule(), plan_time: null }] }}>
        <Row gutter={[24, 16]}>
          <Col xs={24} xl={15}>
            <Card size="small" title={t('campaigns.basics')}>
              <Form.Item name="name" label={t('campaigns.name')} rules={[{ required: true, message: t('form.required') }]}>
                <Input maxLength={255} />
              </Form.Item>
              <Space wrap align="end">
                <Form.Item name="start_time" label={t('campaigns.startT')}
                           rules={[{ required: true, message: t('form.required') }]}>
                  <DatePicker showTime={{ format: 'HH:mm' }} format={FORMAT} />
                </Form.Item>
                <Form.Item>
                  <Button onClick={() => form.setFieldValue('start_time', dayjs())}>{t('campaigns.now')}</Button>
                </Form.Item>
                <Form.Item name="interval_days" label={t('campaigns.intervalD')}
                           rules={[{ required: true, message: t('form.required') }]}>
                  <InputNumber min={0} max={3650} addonAfter={t('campaigns.days')} />
                </Form.Item>
              </Space>
            </Card>
            <Form.List name="tasks">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, index) => (
                    <div key={field.key} data-testid={`task-card-${index}`}>
                    <Card size="small" style={{ marginTop: 16 }}
                          title={t('campaigns.taskN', { n: index + 1 })}
                          extra={fields.length > 1 && (
                            <Button size="small" icon={<DeleteOutlined />} aria-label={t('campaigns.removeTask')}
                                    onClick={() => {
                                      remove(field.name);
                                      setPlanned((p) => {
                                        const next: Record<number, number | undefined> = {};
                                        Object.entries(p).forEach(([k, v]) => {
                                          const i = Number(k);
                                          if (i < index) next[i] = v;
                                          if (i > index) next[i - 1] = v;
                                        });
                                        return next;
                                      });
                                    }} />
                          )}>
                      <Row gutter={16}>
                        <Col xs={24} md={12}>
                          <Form.Item name={[field.name, 'name']} label={t('campaigns.taskName')}
                                     rules={[{ required: true, message: t('form.required') }]}>
                            <Input maxLength={255} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={12}>
                          <Form.Item name={[field.name, 'plan_time']} label={t('campaigns.ownPlanTime')}
                                     extra={t('campaigns.ownPlanTimeHelp')}>
                            <DatePicker showTime={{ format: 'HH:mm' }} format={FORMAT} style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={12}>
                          <Form.Item name={[field.name, 'template_set_id']} label={t('campaigns.templateSet')}
                                     rules={[{ required: true, message: t('form.required') }]}>
                            <Select options={(sets.data ?? []).map((s) => ({ value: s.id, label: s.name }))} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={12}>
                          <Form.Item name={[field.name, 'sender_name']} label={t('campaigns.senderName')}
                                     rules={[{ required: true, message: t('form.required') }]}>
                            <Select options={(names.data ?? []).map((n) => ({ value: n.name, label: n.name }))} />
                          </Form.Item>
                        </Col>
                      </Row>
                      <Form.Item name={[field.name, 'recipient_rule']} label={t('campaigns.recipients')}
                                 rules={[{ validator: (_, rule: RecipientRule) => (rule?.include_tags?.length
                                   ? Promise.resolve() : Promise.reject(new Error(t('rule.needsTag')))) }]}>
                        <RuleBuilder tags={tagNames}
                                     onCount={(n) => setPlanned((p) => (p[index] === n ? p : { ...p, [index]: n }))} />
                      </Form.Item>
                    </Card>
                    </div>
                  ))}
                  <Button icon={<PlusOutlined />} style={{ marginTop: 16 }} block type="dashed"
                          onClick={() => add({ name: '', recipient_rule: emptyRule(), plan_time: null })}>
                    {t('campaigns.addTask')}
                  </Button>
                </>
              )}
            </Form.List>
          </Col>
          <Col xs={24} xl={9}>
            <div style={{ position: 'sticky', top: 16 }}>
              <Card size="small" title={t('campaigns.timeline')}>
                <Timeline startTime={watched?.start_time?.toISOString()} intervalDays={watched?.interval_days}
                          tasks={timelineTasks} />
              </Card>
              <Card size="small" title={t('campaigns.quotaCheck')} style={{ marginTop: 16 }}>
                <QuotaCheck planned={totalPlanned} balance={balance} />
              </Card>
              <Space style={{ marginTop: 16 }}>
                <Button type="primary" htmlType="submit" loading={busy}>{t('campaigns.saveDraft')}</Button>
                <Button onClick={() => navigate(editing ? `/campaigns/${id}` : '/campaigns')}>{t('form.cancel')}</Button>
              </Space>
            </div>
          </Col>
        </Row>
      </Form>
    </>
  );
}

/** Planned audiences of all tasks against the user's balance: activation reserves exactly this much. */
export function QuotaCheck({ planned, balance }: { planned?: number; balance?: number }) {
  const { t } = useI18n();
  if (planned === undefined || balance === undefined) {
    return <Typography.Text type="secondary">{t('campaigns.quotaCounting')}</Typography.Text>;
  }
  const fits = planned <= balance;
  return (
    <div data-testid="quota-check">
      <Alert type={fits ? 'success' : 'error'} showIcon
             message={fits ? t('campaigns.quotaFits', { planned, balance })
               : t('campaigns.quotaShort', { planned, balance, missing: planned - balance })} />
    </div>
  );
}
