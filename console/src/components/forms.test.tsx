import { describe, expect, it } from 'vitest';
import { act, render } from '@testing-library/react';
import Form, { type FormInstance } from 'antd/es/form';
import Input from 'antd/es/input';
import { ApiError } from '../api/client';
import { showApiError } from './forms';

function CampaignForm({ onForm }: { onForm: (f: FormInstance) => void }) {
  const [form] = Form.useForm();
  onForm(form);
  return (
    <Form form={form} initialValues={{ name: 'typed name', tasks: [{ name: 'first', recipient_rule: {} }] }}>
      <Form.Item name="name"><Input /></Form.Item>
      <Form.List name="tasks">
        {(fields) => fields.map((field) => (
          <div key={field.key}>
            <Form.Item name={[field.name, 'name']}><Input /></Form.Item>
            <Form.Item name={[field.name, 'recipient_rule']}><Input /></Form.Item>
          </div>
        ))}
      </Form.List>
    </Form>
  );
}

describe('showApiError', () => {
  it('puts each problem next to the field it names, the deepest registered one, and keeps what was typed', async () => {
    let form!: FormInstance;
    render(<CampaignForm onForm={(f) => { form = f; }} />);
    const error = new ApiError({ status: 400, title: 'Bad Request', detail: 'invalid', errors: [
      { field: 'name', message: 'must not be blank' },
      { field: 'tasks[0].recipient_rule.include_tags', message: 'must list 1 to 50 tags' },
      { field: 'tasks[0].template_set_id', message: 'is not one of your template sets' },
    ] });
    let general: string | undefined;
    await act(async () => { general = showApiError(form, error); });

    expect(form.getFieldError('name')).toEqual(['must not be blank']);
    expect(form.getFieldError(['tasks', 0, 'recipient_rule'])).toEqual(['include_tags: must list 1 to 50 tags']);
    // no form field for it: shown above the form with its path, not lost
    expect(general).toBe('tasks.0.template_set_id: is not one of your template sets');
    expect(form.getFieldValue('name')).toBe('typed name');
  });

  it('shows a problem that names no field as the general message', async () => {
    let form!: FormInstance;
    render(<CampaignForm onForm={(f) => { form = f; }} />);
    let general: string | undefined;
    await act(async () => {
      general = showApiError(form, new ApiError({ status: 409, detail: 'needs 1200, balance 1000, missing 200' }));
    });
    expect(general).toBe('needs 1200, balance 1000, missing 200');
  });
});
