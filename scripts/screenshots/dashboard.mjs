// Takes the README's screenshots of the Aspire dashboard: the resources page and the trace of one webhook.
// Usage: node scripts/screenshots/dashboard.mjs <dashboard login URL> <output folder>
// Needs Debian's chromium (/usr/bin/chromium) and a running AppHost (./run.sh --detach) that has seen a webhook.
import { chromium } from 'playwright-core';

const [loginUrl, outDir] = process.argv.slice(2);
if (!loginUrl || !outDir) {
  console.error('usage: node dashboard.mjs <login URL> <output folder>');
  process.exit(2);
}
const base = new URL(loginUrl).origin;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.setDefaultTimeout(30000);
  await page.goto(loginUrl);
  await page.waitForURL(url => !url.pathname.startsWith('/login'));
  await page.goto(`${base}/`);
  await page.getByText('gateway', { exact: true }).first().waitFor();
  // Plain-http local runs have no development certificate; the banner says so, and is not what the picture is about.
  const dismiss = page.getByRole('button', { name: /close|dismiss/i }).first();
  if (await dismiss.isVisible().catch(() => false)) {
    await dismiss.click();
  }
  await page.waitForTimeout(3000);
  await page.screenshot({ path: `${outDir}/dashboard-resources.png` });

  await page.goto(`${base}/traces`);
  // The filter box is a web component: focus it and type, as a person would.
  await page.getByPlaceholder(/Filter/).first().click();
  await page.keyboard.type('webhooks');
  const webhookTrace = page.getByText(/POST \/api\/v1\/webhooks/).first();
  await webhookTrace.waitFor();
  await webhookTrace.click();
  await page.waitForURL(/\/traces\/detail\//);
  await page.waitForTimeout(3000);
  await page.screenshot({ path: `${outDir}/dashboard-webhook-trace.png` });
  console.log(`wrote ${outDir}/dashboard-resources.png and ${outDir}/dashboard-webhook-trace.png`);
} finally {
  await browser.close();
}
