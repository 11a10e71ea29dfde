// After a fresh integration's webhooks, the dashboard filtered to it counts them as accepted and delivered, and draws
// them: bars per minute and latency points.
import { relay, createApiKey, createIntegration, sendWebhook, sinkUrl, signIn, screenshot, eventually, assert, uniqueName } from '../lib.mjs';

const EVENTS = 3;

export default async function dashboardScenario(page) {
  const provider = uniqueName('cdash');
  const integration = await createIntegration({ provider, callbackUrl: sinkUrl(provider) });
  for (let index = 0; index < EVENTS; index++) {
    await sendWebhook(integration, { type: 'order.created', data: { order: index } });
  }
  await eventually('the webhooks delivered', async () => {
    const events = await relay('GET', `/api/v1/events?provider=${provider}&limit=50`);
    return events.length === EVENTS && events.every(event => event.status === 'processed');
  }, 30000);

  const key = await createApiKey(uniqueName('console-watcher'), ['read']);
  await signIn(page, key);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.getByLabel('Integration').selectOption(integration.id);

  const accepted = page.locator('[data-total="accepted"] .stat');
  const delivered = page.locator('[data-total="delivered"] .stat');
  await eventually('the dashboard counting the integration\'s webhooks', async () =>
    (await accepted.textContent()) === String(EVENTS) && (await delivered.textContent()) === String(EVENTS), 20000);

  const activity = page.getByRole('img', { name: /Webhooks accepted, delivered and failed/ });
  const bars = await activity.locator('rect.bar').count();
  assert(bars >= 2, `the activity chart drew ${bars} bars (accepted and delivered)`);
  const acceptedBars = activity.locator('rect[data-series="accepted"]');
  const acceptedTitles = await acceptedBars.locator('title').allTextContents();
  const drawnAccepted = acceptedTitles.reduce((sum, title) => sum + Number(/: (\d+)$/.exec(title)?.[1] ?? 0), 0);
  assert(drawnAccepted === EVENTS, `the accepted bars add up to ${drawnAccepted}`);
  const points = await page.getByRole('img', { name: /Delivery latency/ }).locator('circle.point').count();
  assert(points >= 1, `the latency chart drew ${points} points`);

  // Another window keeps the integration and still counts its webhooks.
  await page.getByRole('group', { name: 'Time window' }).getByRole('button', { name: '15 min' }).click();
  await eventually('the 15-minute window', async () =>
    new URL(page.url()).searchParams.get('minutes') === '15' && (await accepted.textContent()) === String(EVENTS));
  await screenshot(page, 'console-dashboard');
}
