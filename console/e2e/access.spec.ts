// Who sees what: an operator signs in (Chinese by default), switches to English, never sees the admin area or
// another operator's campaign, and signs out.
import { expect, test } from '@playwright/test';
import { fixtures, screenshot, signIn, signOut } from './support';

test('an operator sees the dashboard, no admin pages and no other operator\'s campaign', async ({ page }) => {
  const f = fixtures();
  await signIn(page, f.operator);
  await expect(page.getByRole('heading', { name: '概览' })).toBeVisible();
  await expect(page.getByText('剩余发信额度')).toBeVisible();
  await screenshot(page, 'dashboard');

  // the menu has the operator's areas and no admin area
  const menu = page.getByRole('navigation').first();
  await expect(menu.getByText('营销', { exact: true })).toBeVisible();
  await expect(menu.getByText('系统管理')).toHaveCount(0);

  // typing an admin page's address shows "not found", not the page
  await page.goto('/admin/users');
  await expect(page.getByText('页面不存在', { exact: true })).toBeVisible();

  // another operator's campaign is not there (the api answers 404 to this operator)
  await page.goto(`/campaigns/${f.otherCampaignId}`);
  await expect(page.getByRole('alert')).toContainText(/not found/);
  await expect(page.getByText(`other operator's secret campaign ${f.run}`)).toHaveCount(0);

  // a phone-width screen: the menu moves into a drawer behind a button
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await page.getByRole('button', { name: '导航菜单' }).click();
  await expect(page.getByRole('dialog').getByRole('link', { name: '营销活动' })).toBeVisible();
  await screenshot(page, 'phone-menu');
  await page.getByRole('dialog').getByRole('link', { name: '联系人' }).click();
  await expect(page.getByRole('heading', { name: '联系人' })).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });

  // English is one click away and stays after a reload
  await page.goto('/');
  await page.getByTestId('switch-language').click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await page.getByTestId('switch-language').click();

  await signOut(page);
  // signed out: a client route shows the sign-in page, and the old token no longer works
  await page.goto('/campaigns');
  await expect(page.getByLabel('用户名')).toBeVisible();
});

test('a wrong password is shown on the sign-in page and nothing is lost', async ({ page }) => {
  const f = fixtures();
  await page.goto('/');
  await page.getByLabel('用户名').fill(f.operator.username);
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByRole('alert')).toContainText('wrong username or password');
  await expect(page.getByLabel('用户名')).toHaveValue(f.operator.username);
});
