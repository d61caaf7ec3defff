// Prepares what an admin would have done before operators start (the admin pages have their own spec):
// an SMTP sender service to the test's SMTP server, two operators with quota and access to it, and a draft
// campaign of the second operator's. Names carry a run suffix so the specs can run again on the same stack.
//
// Environment: EDM_CONSOLE_URL, EDM_E2E_ADMIN_USERNAME (admin), EDM_E2E_ADMIN_PASSWORD,
//              EDM_E2E_SMTP_HOST (127.0.0.1), EDM_E2E_SMTP_PORT, EDM_E2E_SMTP_THROTTLE_SECONDS (3: slow enough to pause a task mid-send).
import { expect, type APIRequestContext } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { apiAs, FIXTURES_FILE, type Account, type Fixtures } from './support';

async function ok<T = Record<string, unknown>>(answer: Promise<import('@playwright/test').APIResponse>): Promise<T> {
  const response = await answer;
  expect(response.ok(), `${response.url()} -> ${response.status()} ${await response.text()}`).toBeTruthy();
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

async function operator(admin: APIRequestContext, username: string, serviceId: number): Promise<Account> {
  const password = `pw-${username}-0123456789`;
  const user = await ok<{ id: number }>(admin.post('/v1/users', {
    data: { username, email: `${username}@example.test`, password, role: 'OPERATOR' },
  }));
  await ok(admin.post(`/v1/users/${user.id}/quota-adjustments`, { data: { delta: 1000, note: 'browser test' } }));
  await ok(admin.put(`/v1/admin/users/${user.id}/sender-services`, { data: { service_ids: [serviceId] } }));
  return { id: user.id, username, password };
}

export default async function globalSetup() {
  const password = process.env.EDM_E2E_ADMIN_PASSWORD;
  if (!password) throw new Error('set EDM_E2E_ADMIN_PASSWORD (and EDM_CONSOLE_URL, EDM_E2E_SMTP_PORT)');
  const adminAccount = { username: process.env.EDM_E2E_ADMIN_USERNAME ?? 'admin', password };
  const admin = await apiAs(adminAccount);
  const me = await ok<{ id: number }>(admin.get('/v1/me'));
  const run = Date.now().toString(36);

  const service = await ok<{ id: number }>(admin.post('/v1/admin/sender-services', {
    data: {
      name: `browser-smtp-${run}`, provider: 'SMTP', domain: `mail-${run}.example.test`,
      smtp: { host: process.env.EDM_E2E_SMTP_HOST ?? '127.0.0.1', port: Number(process.env.EDM_E2E_SMTP_PORT ?? 2525),
              username: '', password: '', tls: false },
      daily_quota: 10000, throttle_seconds: Number(process.env.EDM_E2E_SMTP_THROTTLE_SECONDS ?? 3),
      reset_time: '00:00', time_zone: 'Asia/Shanghai',
    },
  }));
  const op = await operator(admin, `op-${run}`, service.id);
  const other = await operator(admin, `other-${run}`, service.id);

  // the other operator's own draft campaign, which the first must never see
  const otherApi = await apiAs(other);
  await ok(otherApi.post('/v1/sender-names', { data: { name: `other-${run}` } }));
  await ok(otherApi.post('/v1/contacts/import', { data: [{ email: `someone-${run}@example.test`, tags: ['secret'] }] }));
  const template = await ok<{ id: number }>(otherApi.post('/v1/templates', {
    data: { name: 'other', subject: 'Hi', body_html: '<p>hi</p><a href="{{unsubscribe_url}}">u</a>' },
  }));
  const set = await ok<{ id: number }>(otherApi.post('/v1/template-sets', {
    data: { name: 'other', template_ids: [template.id] },
  }));
  const campaign = await ok<{ id: number }>(otherApi.post('/v1/campaigns', {
    data: {
      name: `other operator's secret campaign ${run}`, start_time: new Date(Date.now() + 86_400_000).toISOString(),
      interval_days: 1, tasks: [{ name: 'secret task', template_set_id: set.id, sender_name: `other-${run}`,
                                  recipient_rule: { include_tags: ['secret'] } }],
    },
  }));

  const fixtures: Fixtures = {
    admin: { id: me.id, ...adminAccount },
    operator: op,
    otherOperator: other,
    otherCampaignId: campaign.id,
    senderServiceId: service.id,
    run,
  };
  mkdirSync(dirname(FIXTURES_FILE), { recursive: true });
  writeFileSync(FIXTURES_FILE, JSON.stringify(fixtures, null, 2));
  await Promise.all([admin.dispose(), otherApi.dispose()]);
}
