// An operator replays a fresh integration's events in bulk: the dry run counts exactly its events, the job starts, and
// its progress page follows it to completed.
import {
  relay, createApiKey, createIntegration, sendWebhook, sinkUrl, signIn, screenshot, eventually, assert, uniqueName,
} from '../lib.mjs';

const EVENTS = 4;

export default async function bulkReplayScenario(page) {
  const provider = uniqueName('cbulk');
  const integration = await createIntegration({ provider, callbackUrl: sinkUrl(provider) });
  const sent = [];
  for (let index = 0; index < EVENTS; index++) {
    sent.push(await sendWebhook(integration, { type: 'invoice.paid', data: { invoice: index } }));
  }
  await eventually('the webhooks processed', async () => {
    const events = await relay('GET', `/api/v1/events?provider=${provider}&limit=50`);
    return events.length === EVENTS && events.every(event => event.status === 'processed');
  }, 30000);

  const key = await createApiKey(uniqueName('console-replayer'), ['read', 'replay']);
  await signIn(page, key);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Replays' }).click();
  await page.getByRole('heading', { level: 1, name: 'Replays' }).waitFor();

  await page.getByRole('button', { name: 'New bulk replay' }).click();
  const form = page.getByRole('form', { name: 'New bulk replay' });
  await form.getByLabel('Integration').selectOption(integration.id);
  await form.getByLabel('Events per second').fill('2');
  await form.getByRole('button', { name: 'Dry run' }).click();
  await form.getByText(`${EVENTS} events would be replayed`).waitFor();
  const start = form.getByRole('button', { name: 'Start bulk replay' });
  assert(await start.isEnabled(), 'the counted replay can be started');
  await form.getByLabel('Reason').fill('Console scenario: replay the fresh integration');
  await start.click();

  await page.waitForURL(url => /^\/console\/replays\/bulk\/[0-9a-f-]{36}$/.test(url.pathname));
  const jobId = new URL(page.url()).pathname.split('/').at(-1);
  await page.getByRole('progressbar', { name: 'Bulk replay progress' }).waitFor();
  await page.locator('[data-status="completed"]').waitFor({ timeout: 60000 });
  await page.getByRole('progressbar', { name: 'Bulk replay progress' }).and(page.locator('[aria-valuenow="100"]')).waitFor();
  await page.getByText('Replayed', { exact: true }).waitFor();
  assert(!(await page.getByRole('button', { name: 'Cancel' }).isVisible()), 'a completed job offers no Cancel');

  const job = await relay('GET', `/api/v1/replays/bulk/${jobId}`);
  assert(job.status === 'completed' && job.total === EVENTS && job.replayed === EVENTS,
    `the job is ${job.status} with ${job.replayed} of ${job.total} replayed`);
  assert(job.filter.integrationId === integration.id, `the job's filter is ${JSON.stringify(job.filter)}`);
  await eventually('the replayed deliveries settled on the page', async () =>
    (await page.locator('.stat-box', { hasText: 'Delivered' }).locator('.stat').textContent()) === String(EVENTS), 30000);
  await screenshot(page, 'console-replays');
}
