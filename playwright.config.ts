import { defineConfig, devices, type LaunchOptions } from '@playwright/test';
import { BASE_URL, DATA_DIR, PORT } from './e2e/support/server.ts';

/** The system's Chromium (scripts/test.ts sets CHROMIUM_PATH): Playwright's download fails here. */
function chromium(): LaunchOptions {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  };
}

// Browser tests against the real server (API + pages + jobs) on a fresh database. The Kit build must
// exist (`npx vite build`); mails land as .eml files in DATA_DIR/mail because SMTP_URL is empty.
export default defineConfig({
  testDir: 'e2e',
  // One server, one rate limiter: keep the number of log-ins low and predictable.
  workers: 2,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    locale: 'en-US'
  },
  projects: [
    { name: 'setup', testMatch: /\.setup\.ts$/, use: { launchOptions: chromium() } },
    {
      name: 'chromium',
      dependencies: ['setup'],
      use: { ...devices['Desktop Chrome'], launchOptions: chromium() }
    }
  ],
  webServer: {
    command: `rm -rf ${DATA_DIR} && node bin/guildhall.js start`,
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      BASE_URL,
      DATA_DIR,
      DATABASE_URL: '',
      SMTP_URL: '',
      BACKUP_EVERY_HOURS: '0',
      LOG_LEVEL: 'warn',
      // Every browser of the run logs in from one address, like an office behind one NAT; the
      // limit itself is tested in the integration tier (security.int.test.ts).
      LOG_IN_LIMIT: '60/5',
      // The same for verification and password-reset requests (several specs verify accounts).
      RECOVERY_LIMIT: '60/15',
      // The loopback receiver of e2e/webhooks.spec.ts, the only private address webhooks reach.
      OUTBOUND_ALLOW: `127.0.0.1:${PORT + 1}`
    }
  }
});
