import type { FormInstance } from 'antd/es/form';
import { ApiError } from '../api/client';

type Name = (string | number)[];

const same = (a: Name, b: Name) => a.length === b.length && a.every((x, i) => String(x) === String(b[i]));

/**
 * Shows an api error on a form: each field problem next to the field it names. An api path such as
 * "tasks[0].recipient_rule.include_tags" goes to the deepest form field that is a prefix of it (here the rule
 * builder of task 0); anything that matches no field is returned, with its path, for an Alert above the form.
 * What the person typed stays in the form. `rename` maps api top-level names to form names where they differ.
 */
export function showApiError(form: FormInstance, e: unknown, rename: Record<string, string> = {}): string | undefined {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  // the fields that show errors: not a Form.List itself (a prefix of other fields), which shows none
  const all: Name[] = form.getFieldsError().map((f) => f.name as Name);
  const registered = all.filter((n) => !all.some((o) => o.length > n.length && same(o.slice(0, n.length), n)));
  const leftovers: string[] = [];
  const byField = new Map<string, { name: Name; errors: string[] }>();
  for (const { name, errors } of e.fieldErrors()) {
    const top = String(name[0]);
    const mapped: Name = rename[top] ? [rename[top], ...name.slice(1)] : name;
    let target: Name | undefined;
    for (let n = mapped.length; n > 0 && !target; n--) {
      target = registered.find((r) => same(r, mapped.slice(0, n)));
    }
    if (!target) {
      leftovers.push(...errors.map((m) => `${name.join('.')}: ${m}`));
      continue;
    }
    const key = JSON.stringify(target);
    const entry = byField.get(key) ?? { name: target, errors: [] };
    // a message for a part of the field (include_tags inside the rule) says which part
    entry.errors.push(...errors.map((m) => (target!.length < mapped.length
      ? `${mapped.slice(target!.length).join('.')}: ${m}` : m)));
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  const general = e.generalMessage();
  return [general, ...leftovers].filter(Boolean).join('; ') || undefined;
}
