import type { FormInstance } from 'antd/es/form';
import { ApiError } from '../api/client';

/**
 * Shows an api error on a form: each field problem next to the field it names (paths like "tasks[0].sender_name"
 * map to Form.List fields), anything else returned as a general message for an Alert above the form.
 * What the person typed stays in the form. `rename` maps api field names to form field names where they differ.
 */
export function showApiError(form: FormInstance, e: unknown, rename: Record<string, string> = {}): string | undefined {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const known = new Set(Object.keys(form.getFieldsValue(true) ?? {}));
  const leftovers: string[] = [];
  const fields = e.fieldErrors().flatMap(({ name, errors }) => {
    const top = String(name[0]);
    const mapped = rename[top] ? [rename[top], ...name.slice(1)] : name;
    if (!known.has(String(mapped[0]))) {
      leftovers.push(...errors.map((m) => `${name.join('.')}: ${m}`));
      return [];
    }
    return [{ name: mapped, errors }];
  });
  form.setFields(fields);
  const general = e.generalMessage();
  return [general, ...leftovers].filter(Boolean).join('; ') || undefined;
}
