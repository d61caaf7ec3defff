// The admin and developer pages in a real browser: an admin creates a user (a refused password is shown next to its
// field and nothing typed is lost), grants quota, binds a service and unfreezes a frozen service; a developer creates
// an API key (shown once, gone after a reload, revoked from the page) and adds a sending domain to see its records.
//
// A service becomes FROZEN only by failing on the send path; no API does it. The runner gives this spec the stack's
// database (EDM_E2E_DB_URL, a jdbc:postgresql URL) and the spec freezes the service there, as the send path would.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { apiAs, baseURL, fixtures, screenshot, signIn } from './support';

const OK = /确\s*定|OK/;

function freezeInDatabase(serviceId: number, reason: string) {
  const jdbc = process.env.EDM_E2E_DB_URL;
  if (!jdbc) throw new Error('set EDM_E2E_DB_URL (the stack\'s jdbc:postgresql URL) to freeze a service');
  const url = jdbc.replace(/^jdbc:/, '');
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c',
    `UPDATE sender_services SET health_status = 'FROZEN', frozen_reason = '${reason}', frozen_at = now(),
            consecutive_failures = failure_threshold WHERE id = ${serviceId}`]);
}

async function json<T>(answer: Promise<import('@playwright/test').APIResponse>): Promise<T> {
  const response = await answer;
  expect(response.ok(), `${response.url()} -> ${response.status()} ${await response.text()}`).toBeTruthy();
  return (await response.json()) as T;
}

async function confirm(page: Page) {
  await page.locator('.ant-popconfirm').getByRole('button', { name: OK }).click();
}

test('an admin creates a user, grants quota, binds a service and unfreezes a frozen one', async ({ page }) => {
  const f = fixtures();
  const admin: APIRequestContext = await apiAs(f.admin);
  const service = await json<{ id: number; workflow_id: string }>(admin.post('/v1/admin/sender-services', {
    data: { name: `frozen-${f.run}`, provider: 'SMTP', domain: `frozen-${f.run}.example.test`,
            smtp: { host: '127.0.0.1', port: Number(process.env.EDM_E2E_SMTP_PORT ?? 2525), username: '', password: '',
                    tls: false },
            daily_quota: 100, failure_threshold: 3 },
  }));
  freezeInDatabase(service.id, 'SMTP 421 too many failures (browser test)');

  await signIn(page, f.admin);
  await page.getByRole('navigation').first().getByText('用户管理').click();
  await expect(page.getByRole('heading', { name: '用户管理' })).toBeVisible();

  // a password the api refuses: its message next to the password field, the rest stays as typed
  const username = `newop-${f.run}`;
  await page.getByLabel('登录名').fill(username);
  await page.getByLabel('邮箱').fill(`${username}@example.test`);
  await page.getByLabel('初始密码').fill('short');
  await page.getByRole('button', { name: '创建用户' }).click();
  const passwordItem = page.locator('.ant-form-item').filter({ has: page.getByLabel('初始密码') });
  await expect(passwordItem.locator('.ant-form-item-explain-error')).toContainText(/10/);
  await expect(page.getByLabel('登录名')).toHaveValue(username);
  await expect(page.getByLabel('邮箱')).toHaveValue(`${username}@example.test`);

  await page.getByLabel('初始密码').fill(`pw-${username}-0123456789`);
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByRole('heading', { name: username })).toBeVisible();
  const userId = Number(/\/admin\/users\/(\d+)/.exec(page.url())![1]);
  const created = await json<{ username: string; role: string; enabled: boolean }>(admin.get(`/v1/users/${userId}`));
  expect(created).toMatchObject({ username, role: 'OPERATOR', enabled: true });

  // quota: a grant shows in the ledger and the balance
  await page.getByLabel('发放额度（负数为收回）').fill('500');
  await page.getByLabel('备注').fill('welcome grant');
  await page.getByRole('button', { name: '发放额度' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'welcome grant' })).toContainText('+500');
  expect((await json<{ balance: number }>(admin.get(`/v1/users/${userId}/quota`))).balance).toBe(500);

  // the frozen service among the services this user may use
  // a controlled antd checkbox turns checked on the next render, which check() does not wait for
  const binding = page.getByRole('checkbox', { name: new RegExp(`frozen-${f.run}`) });
  await binding.click();
  await expect(binding).toBeChecked();
  await page.getByRole('button', { name: '保存服务' }).click();
  await expect.poll(async () => (await json<{ id: number }[]>(admin.get(`/v1/admin/users/${userId}/sender-services`)))
    .map((s) => s.id)).toEqual([service.id]);
  await screenshot(page, 'admin-user');

  // sender services: the frozen one is marked, its page says why and links to its workflow; unfreeze it
  await page.getByRole('navigation').first().getByText('发信服务').click();
  const row = page.getByRole('row').filter({ hasText: `frozen-${f.run}` });
  await expect(row.getByText('已冻结')).toBeVisible();
  await row.getByRole('link', { name: `frozen-${f.run}` }).click();
  await expect(page.getByText('SMTP 421 too many failures (browser test)')).toBeVisible();
  await expect(page.getByTestId('workflow-link')).toHaveAttribute('href',
    new RegExp(`/workflows/${service.workflow_id}$`));
  await screenshot(page, 'admin-service-frozen');
  await page.getByRole('button', { name: /解\s*冻/ }).click();
  await confirm(page);
  await expect(page.getByTestId('service-state')).toHaveText('正常');
  const after = await json<{ state: string; frozen_reason: string | null }>(
    admin.get(`/v1/admin/sender-services/${service.id}`));
  expect(after.state).toBe('ACTIVE');

  // today's quota by hand
  await page.getByLabel('今日剩余').fill('7');
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await expect(page.getByTestId('remaining-today')).toHaveText('7');
  expect((await json<{ remaining_today: number }>(admin.get(`/v1/admin/sender-services/${service.id}`)))
    .remaining_today).toBe(7);

  // the audit log has the unfreeze, filtered by the service
  await page.getByRole('navigation').first().getByText('审计日志').click();
  await page.getByLabel('对象').fill('sender_service');
  await page.getByLabel('编号').fill(String(service.id));
  await page.getByRole('button', { name: /搜\s*索/ }).click();
  await expect(page.getByRole('row').filter({ hasText: 'UNFREEZE' })).toHaveCount(1);
  await expect(page.getByRole('row').filter({ hasText: 'QUOTA_ADJUSTMENTS' })).toHaveCount(1);
  await screenshot(page, 'admin-audit-log');
  await admin.dispose();
});

test('a developer creates an API key shown once and adds a domain to see its DNS records', async ({ page }) => {
  const f = fixtures();
  await signIn(page, f.operator);
  await page.getByRole('navigation').first().getByText('API 密钥').click();
  await page.getByLabel('名称').fill(`ci-${f.run}`);
  await page.getByRole('button', { name: '创建密钥' }).click();
  // the whole secret (the list shows only its first 16 characters, followed by "…")
  const shown = page.getByText(/^edm_live_[A-Za-z0-9_-]+$/);
  await expect(shown).toBeVisible();
  const secret = (await shown.textContent())!.trim();
  await screenshot(page, 'developer-api-key-created');

  // the key really works on the developer API (an unknown message is 404, not 401) ...
  const anonymous = await (await import('@playwright/test')).request.newContext({ baseURL: baseURL() });
  const lookUp = () => anonymous.get('/api/v1/messages/msg_does_not_exist',
                                     { headers: { Authorization: `Bearer ${secret}` } });
  expect((await lookUp()).status()).toBe(404);

  // ... and after a reload it is nowhere on the page: only its prefix in the list
  await page.reload();
  const keyRow = page.getByRole('row').filter({ hasText: `ci-${f.run}` });
  await expect(keyRow).toContainText(secret.slice(0, 16));
  await expect(page.locator('body')).not.toContainText(secret);
  await expect(page.getByTestId('secret-once')).toHaveCount(0);

  // revoked from the page: refused at once
  await keyRow.getByRole('button', { name: /吊\s*销/ }).click();
  await confirm(page);
  await expect(keyRow).toContainText('已于');
  expect((await lookUp()).status()).toBe(401);
  await anonymous.dispose();

  // the message log reads with the session, no key: this developer has sent nothing, and an unknown id is refused
  await page.getByRole('navigation').first().getByText('消息日志').click();
  await expect(page.getByRole('heading', { name: '消息日志' })).toBeVisible();
  await expect(page.locator('.ant-table-placeholder')).toBeVisible();
  await expect(page.locator('.ant-alert-error')).toHaveCount(0);
  await page.getByPlaceholder('消息 id（msg_…）').fill('msg_does_not_exist');
  await page.getByRole('button', { name: '打 开' }).or(page.getByRole('button', { name: '打开' })).click();
  await expect(page.locator('.ant-drawer .ant-alert-error')).toContainText('msg_does_not_exist');
  await page.keyboard.press('Escape');
  await expect(page.locator('.ant-drawer-open')).toHaveCount(0);

  // a sending domain: a bad name is refused next to the field and stays as typed; a good one shows its records
  await page.getByRole('navigation').first().getByText('发信域名').click();
  await page.getByLabel('域名').fill('not a domain');
  await page.getByRole('button', { name: '添加域名' }).click();
  const nameItem = page.locator('.ant-form-item').filter({ has: page.getByLabel('域名') });
  await expect(nameItem.locator('.ant-form-item-explain-error')).toContainText('domain');
  await expect(page.getByLabel('域名')).toHaveValue('not a domain');

  const domain = `dev-${f.run}.example.test`;
  await page.getByLabel('域名').fill(domain);
  await page.getByRole('button', { name: '添加域名' }).click();
  await expect(page.getByRole('heading', { name: domain })).toBeVisible();
  // the records table is the page's first table (the mailboxes' is below it)
  const records = page.locator('.ant-table').first().getByRole('row');
  // hosts as a DNS provider's form wants them, values to copy
  await expect(records.filter({ hasText: 'DKIM' }).first()).toContainText('._domainkey');
  await expect(records.filter({ hasText: 'DKIM' }).first()).toContainText('v=DKIM1; k=rsa; p=');
  await expect(records.filter({ hasText: 'DMARC' })).toContainText('_dmarc');
  await expect(records.filter({ hasText: 'SPF' }).first()).toContainText('@');
  await expect(records.filter({ hasText: 'SPF' }).first()).toContainText('v=spf1');
  await expect(page.getByLabel(/复制|Copy/).first()).toBeVisible();
  await page.getByRole('button', { name: '立即检查' }).click();
  await expect(page.getByText('正在检查记录，稍后显示结果')).toBeVisible();
  await screenshot(page, 'developer-domain');
});
