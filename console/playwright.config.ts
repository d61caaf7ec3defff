import { defineConfig } from '@playwright/test';

// Browser tests against a running api that serves the built console (EDM_CONSOLE_URL). The stack (PostgreSQL,
// Temporal dev server, api, worker, an SMTP test server) is started by the Java end-to-end test
// system-tests/.../e2e/ConsoleBrowserEndToEndTests, which runs `npx playwright test` with the environment below;
// against a bin/edm-dev stack set the variables yourself (see e2e/README.md).
// Playwright cannot download its own browser here: Debian's chromium (EDM_CHROMIUM, default /usr/bin/chromium).
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/artifacts',
  globalSetup: './e2e/global-setup.ts',
  // one shared stack: specs run one after the other
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: 'test-results/report', open: 'never' }]],
  use: {
    baseURL: process.env.EDM_CONSOLE_URL ?? 'http://localhost:8080',
    locale: 'zh-CN',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.EDM_CHROMIUM ?? '/usr/bin/chromium',
      // the machine's network is closed: no background connections, no sandbox (root in CI), no GPU
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--disable-dev-shm-usage'],
    },
  },
});
