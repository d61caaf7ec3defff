// Shared by every browser spec: the stack's fixture accounts (made by global-setup.ts), signing in through the
// page, REST calls as the admin for set-up, and screenshots kept as test artifacts.
import { expect, request, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Account {
  id: number;
  username: string;
  password: string;
}

/** What global-setup.ts made: the admin (from the environment) and two operators with quota and a service. */
export interface Fixtures {
  admin: Account;
  operator: Account;
  otherOperator: Account;
  /** a campaign of otherOperator's, which operator must not see */
  otherCampaignId: number;
  senderServiceId: number;
  /** a run-unique suffix for names and tags, so specs can run again on the same stack */
  run: string;
}

export const FIXTURES_FILE = join(process.cwd(), 'test-results', 'fixtures.json');

export function fixtures(): Fixtures {
  return JSON.parse(readFileSync(FIXTURES_FILE, 'utf8')) as Fixtures;
}

export const baseURL = () => process.env.EDM_CONSOLE_URL ?? 'http://localhost:8080';

/** A REST client signed in as `account` (for set-up and for checking what the page did). */
export async function apiAs(account: { username: string; password: string }): Promise<APIRequestContext> {
  const anonymous = await request.newContext({ baseURL: baseURL() });
  const answer = await anonymous.post('/v1/auth/sign-in', {
    data: { username: account.username, password: account.password },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  const { token } = await answer.json();
  await anonymous.dispose();
  return request.newContext({ baseURL: baseURL(), extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
}

/** Signs in through the sign-in page, in Chinese (the default language). */
export async function signIn(page: Page, account: Account) {
  await page.goto('/');
  await page.getByLabel('用户名').fill(account.username);
  await page.getByLabel('密码').fill(account.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByTestId('user-menu')).toContainText(account.username);
}

export async function signOut(page: Page) {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: /退出登录|Sign out/ }).click();
  await expect(page.getByLabel(/用户名|Username/)).toBeVisible();
}

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

/**
 * A screenshot kept under test-results/screenshots/NAME.png (not committed): the full page unless {@code fullPage}
 * is false (the viewport only).
 */
export async function screenshot(page: Page, name: string, fullPage = true) {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
  // A screenshot documents a step and checks nothing. Chromium's capture has hung past Playwright's own timeout
  // (the template editor's full page, twice, until the test's timeout closed the page), so the test waits for it at
  // most 35 s and goes on with a warning.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`screenshot ${name} skipped: not taken within 35 s`);
      resolve();
    }, 35_000);
  });
  const shot = page
    .screenshot({ path: join(SHOTS, `${name}.png`), fullPage, timeout: 30_000 })
    .then(() => undefined)
    .catch((e) => console.warn(`screenshot ${name} skipped: ${e}`));
  await Promise.race([shot, limit]);
  clearTimeout(timer);
}

/** A button by its label; antd puts a space between two Chinese characters ("激 活"), so match either way. */
export function button(scope: Page | Locator, label: string) {
  return scope.getByRole('button', { name: new RegExp(`(^|\\s)${[...label].map(escape).join('\\s*')}\\s*$`) });
}

function escape(c: string) {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Picks `option` in the antd Select labelled `label` inside `scope` (the page, a dialog, a card). */
export async function choose(page: Page, scope: Page | Locator, label: string, option: string) {
  // a required field's accessible name starts with antd's "*"
  await scope.getByRole('combobox', { name: new RegExp(`^(\\*\\s*)?${[...label].map(escape).join('')}$`) }).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).click();
  // a multiple select stays open after a pick; its Escape closes only the list (antd stops it there)
  if (await page.locator('.ant-select-dropdown:visible').count()) await page.keyboard.press('Escape');
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
}
