// The live preview of a template: built-in variables filled with sample values, as one recipient would see it.
// (The real rendering happens on the worker; this only substitutes {{name}} and drops {{#x}}/{{/x}} markers.)

export const BUILT_IN_VARIABLES = ['nickname', 'email', 'unsubscribe_url', 'campaign_name', 'task_name', 'send_date'];

export const SAMPLE_VALUES: Record<string, string> = {
  nickname: '李雷',
  email: 'li.lei@example.com',
  unsubscribe_url: '#unsubscribe',
  campaign_name: 'Campaign',
  task_name: 'Task',
  send_date: new Date().toISOString().slice(0, 10),
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML with the variables filled (values HTML-escaped); `asText` for a subject line, which is not HTML. */
export function renderPreview(html: string, values: Record<string, string> = SAMPLE_VALUES, asText = false) {
  return html
    .replace(/\{\{\s*[#^/][^}]*\}\}/g, '')
    .replace(/\{\{\{?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}\}/g, (_, name: string) => {
      const value = values[name] ?? `[${name}]`;
      return asText ? value : value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
    });
}

/** The rule the api enforces on save: every body places {{unsubscribe_url}}. */
export function hasUnsubscribeLink(html: string) {
  return /\{\{\{?\s*unsubscribe_url\s*\}?\}\}/.test(html);
}
