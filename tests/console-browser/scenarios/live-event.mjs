// An operator watches events arrive live, finds a failed delivery, sees why it failed and replays it:
// the events page filtered to one provider shows a webhook sent after it was opened, without a reload; the event's
// page says why its delivery failed (the error Relay stored) and lists the attempts; Replay makes a replay request
// and a new delivery attempt; the "Failed deliveries" view leads to the same event; searching by the event's id or
// by the provider's id of it opens it.
import { gateway, relay, createApiKey, sendWebhook, unreachableUrl, sinkUrl, signIn, screenshot, eventually, assert, uniqueName } from '../lib.mjs';

export default async function liveEventScenario(page) {
  const started = Date.now();
  const timings = [];
  const mark = what => timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)}s`);

  // An operator's key that can read and replay, nothing more (not the bootstrap key).
  const key = await createApiKey(uniqueName('console-operator'), ['read', 'replay']);

  // The integration's default destination is unreachable and takes payment events, failing fast (2 attempts, 200 ms
  // apart); a second destination, the gateway's sink, takes order events and succeeds.
  const provider = uniqueName('console-live');
  const secret = 'console-live-secret';
  const created = await relay('POST', '/api/v1/integrations', {
    provider,
    name: `Console live ${provider}`,
    secret,
    callbackUrl: unreachableUrl,
    verification: { scheme: 'hmac-sha256-hex', header: 'x-console-signature' },
    fields: {
      eventId: { from: { pointer: '/id' } },
      eventType: { from: { pointer: '/type' } },
      subject: { from: { pointer: '/data/customer' } },
    },
  });
  const integration = { ...created, secret };
  const destinations = await relay('GET', `/api/v1/integrations/${integration.id}/destinations`);
  const defaultDestination = destinations.find(destination => destination.isDefault);
  assert(defaultDestination, 'the integration has a default destination');
  await relay('PATCH', `/api/v1/destinations/${defaultDestination.id}`, {
    eventTypes: ['payment.*'],
    retryPolicy: { maxAttempts: 2, scheduleMs: [200] },
  });
  await relay('POST', `/api/v1/integrations/${integration.id}/destinations`, { url: sinkUrl(provider), eventTypes: ['order.*'] });
  mark('setup');

  await signIn(page, key);
  await page.goto(`${gateway}/console/events?provider=${provider}`);
  await page.getByText('Live', { exact: true }).waitFor();
  await page.getByText('No events match these filters yet').waitFor();
  // Set on this document: still there afterwards means the page was not reloaded.
  await page.evaluate(() => { window.relayScenarioMarker = 'same document'; });
  mark('events page live');

  // THEN the webhook: its row appears on its own.
  const customer = `cus_${uniqueName('live').slice(-8)}`;
  const failing = await sendWebhook(integration, { type: 'payment.captured', data: { customer, amount: 4200 } });
  const row = page.getByRole('row').filter({ hasText: customer });
  await row.waitFor();
  assert(await page.evaluate(() => window.relayScenarioMarker) === 'same document', 'the row appeared without a reload');
  assert((await row.textContent()).includes('payment.captured'), 'the live row shows the event type');
  mark('row appeared live');

  // Paused, the list holds still; resumed, it catches up on what arrived meanwhile.
  await page.getByRole('button', { name: 'Pause live' }).click();
  await page.getByText('Paused', { exact: true }).waitFor();
  await sendWebhook(integration, { type: 'order.created', data: { customer: 'cus_alice', amount: 1000 } });
  await page.waitForTimeout(3000);
  assert(await page.getByRole('row').filter({ hasText: 'cus_alice' }).count() === 0, 'a paused list shows no new event');
  await page.getByRole('button', { name: 'Resume live' }).click();
  await page.getByRole('row').filter({ hasText: 'cus_alice' }).waitFor();
  await page.getByText('Live', { exact: true }).waitFor();
  mark('paused and resumed');

  // A few more, to a sink and to the unreachable destination, for a list with successes and failures.
  for (const [type, who] of [['order.shipped', 'cus_bob'], ['payment.captured', 'cus_carol'], ['order.created', 'cus_dave']]) {
    await sendWebhook(integration, { type, data: { customer: who, amount: 1000 } });
  }
  await page.getByRole('row').filter({ hasText: 'cus_dave' }).waitFor();

  // Open the failing event from the keyboard: focus its row, Enter.
  await row.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(url => url.pathname === `/console/events/${failing.eventId}`);
  await page.getByRole('heading', { name: 'payment.captured', level: 1 }).waitFor();
  mark('event page open');

  // Once Relay has given up, the page says why near the top: the error Relay stored for the delivery.
  const failedDelivery = await eventually('the delivery to fail', async () => {
    const detail = await relay('GET', `/api/v1/events/${failing.eventId}`);
    const delivery = detail.deliveries.find(candidate => candidate.destinationId === defaultDestination.id);
    return delivery?.status === 'failed' ? delivery : null;
  }, 30000);
  assert(failedDelivery.lastError, 'the API stores why the delivery failed');
  const callout = page.getByRole('alert').filter({ hasText: `Delivery to ${unreachableUrl} failed after ${failedDelivery.attempts} attempt` });
  await callout.waitFor();
  assert((await callout.textContent()).includes(failedDelivery.lastError), `the callout gives the reason "${failedDelivery.lastError}"`);
  const attemptsTable = page.getByRole('table', { name: 'Delivery attempts' }).first();
  await attemptsTable.waitFor();
  assert(await attemptsTable.getByRole('row').count() >= 2, 'the attempts are listed');
  mark('failure reason shown');
  await screenshot(page, 'console-event');

  // Replay: confirm in the dialog, then a replay request appears on the page and a new attempt is made.
  const attemptsBefore = (await relay('GET', `/api/v1/deliveries?eventId=${failing.eventId}&limit=100`)).length;
  await page.getByRole('button', { name: 'Replay event' }).click();
  await page.getByRole('dialog').getByLabel(/Reason/).fill('Destination fixed, delivering again');
  await page.getByRole('dialog').getByRole('button', { name: 'Replay' }).click();
  const replayRow = page.getByRole('table', { name: 'Replay requests' }).getByRole('row').filter({ hasText: 'Destination fixed, delivering again' });
  await replayRow.waitFor();
  await eventually('a new delivery attempt after the replay', async () =>
    (await relay('GET', `/api/v1/deliveries?eventId=${failing.eventId}&limit=100`)).length > attemptsBefore, 30000);
  const replays = await relay('GET', `/api/v1/replays?eventId=${failing.eventId}`);
  assert(replays.length === 1 && replays[0].reason === 'Destination fixed, delivering again', 'the API lists the replay request');
  // The page follows the replay until its delivery settles (failed again: the destination is still unreachable).
  await page.getByRole('status').filter({ hasText: /Replay [0-9a-f]{8} — failed/ }).waitFor({ timeout: 30000 });
  mark('replayed');

  // The "Failed deliveries" view leads to the same event.
  await page.goto(`${gateway}/console/events?provider=${provider}`);
  await page.getByRole('row').filter({ hasText: 'cus_carol' }).getByText('failed', { exact: true }).waitFor({ timeout: 30000 });
  await page.getByRole('row').filter({ hasText: 'cus_alice' }).getByText('processed', { exact: true }).waitFor({ timeout: 30000 });
  await screenshot(page, 'console-events');
  // A status filter applies at once and is kept in the URL.
  await page.getByLabel('Status').selectOption('failed');
  await eventually('the failed filter to apply', async () =>
    new URL(page.url()).searchParams.get('status') === 'failed'
    && await page.getByRole('row').filter({ hasText: 'cus_carol' }).count() === 1
    && await page.getByRole('row').filter({ hasText: 'cus_alice' }).count() === 0);
  await page.getByRole('link', { name: 'Failed deliveries' }).click();
  await page.waitForURL(url => url.searchParams.get('view') === 'failed');
  const failedRows = page.getByRole('table', { name: 'Failed deliveries' }).getByRole('row').filter({ hasText: failedDelivery.lastError.slice(0, 40) });
  await failedRows.first().waitFor();
  await failedRows.first().getByText(unreachableUrl).waitFor();
  await screenshot(page, 'console-failed-deliveries');
  await page.getByRole('link', { name: `Open event ${failing.eventId}` }).first().click();
  await page.waitForURL(url => url.pathname === `/console/events/${failing.eventId}`);
  await page.getByRole('alert').filter({ hasText: 'failed after' }).first().waitFor();
  mark('failed deliveries view');

  // Searching by the event's id opens it.
  await page.goto(`${gateway}/console/events`);
  await page.getByRole('searchbox', { name: 'Search' }).waitFor();
  await page.keyboard.press('/');
  await page.keyboard.type(failing.eventId);
  await page.keyboard.press('Enter');
  await page.waitForURL(url => url.pathname === `/console/events/${failing.eventId}`);
  mark('search by id');

  // So does the provider's id of the event (what a provider reports: "evt_… failed").
  await page.goto(`${gateway}/console/events`);
  await page.getByRole('searchbox', { name: 'Search' }).waitFor();
  await page.keyboard.press('/');
  await page.keyboard.type(failing.externalId);
  await page.keyboard.press('Enter');
  await page.waitForURL(url => url.pathname === `/console/events/${failing.eventId}`);
  await page.getByRole('heading', { name: 'payment.captured', level: 1 }).waitFor();
  // Text no provider sent as an id still filters by subject.
  await page.goto(`${gateway}/console/events?provider=${provider}`);
  await page.getByRole('searchbox', { name: 'Search' }).fill('cus_caro');
  await page.keyboard.press('Enter');
  await eventually('other text to filter by subject', async () =>
    new URL(page.url()).searchParams.get('q') === 'cus_caro'
    && await page.getByRole('row').filter({ hasText: 'cus_carol' }).count() === 1
    && await page.getByRole('row').filter({ hasText: 'cus_alice' }).count() === 0);
  mark('search by provider event id');
  console.log(`timings: ${timings.join(', ')}`);
}
