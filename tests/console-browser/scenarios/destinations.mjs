// An operator manages a destination from the integration's page: pausing holds new deliveries (nothing arrives, nothing
// is lost), resuming delivers them, a test event shows what the receiver answered, and a rotated signing secret is
// shown once and then never again.
import {
  gateway, relay, createApiKey, createIntegration, sendWebhook, sinkUrl, signIn, screenshot, eventually, assert, uniqueName,
} from '../lib.mjs';

export default async function destinationsScenario(page) {
  const provider = uniqueName('cdest');
  const integration = await createIntegration({ provider, callbackUrl: sinkUrl(provider) });
  const destinationId = integration.defaultDestination.id;
  const key = await createApiKey(uniqueName('console-operator'), ['read', 'write']);
  await signIn(page, key);

  // Find the integration as a newcomer would: the Integrations page, filtered by its provider.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();
  await page.getByLabel('Filter integrations by provider or name').fill(provider);
  const row = page.getByRole('row').filter({ hasText: provider });
  await row.getByText(`${gateway}/api/v1/webhooks/${provider}`).waitFor();
  await row.getByRole('link', { name: provider }).click();
  await page.waitForURL(url => url.pathname === `/console/integrations/${integration.id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(provider) }).waitFor();

  const card = page.getByRole('article', { name: `Destination ${sinkUrl(provider)}` });
  await card.locator('[data-status="enabled"]').waitFor();

  // Pause (a dangerous action: it asks first).
  await card.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
  await card.locator('[data-status="paused"]').waitFor();
  const paused = await relay('GET', `/api/v1/destinations/${destinationId}`);
  assert(paused.status === 'paused', `the API says the destination is ${paused.status}`);

  // A webhook sent while it is paused is held: a pending delivery with no next attempt, and no attempt made.
  const held = await sendWebhook(integration, { type: 'order.created', data: { orderId: 'held-1' } });
  const delivery = await eventually('the held delivery', async () => {
    const detail = await relay('GET', `/api/v1/events/${held.eventId}`);
    return detail.deliveries.find(item => item.destinationId === destinationId && item.status === 'pending' && !item.nextAttemptAt);
  });
  await page.waitForTimeout(1500);
  const whilePaused = await relay('GET', `/api/v1/events/${held.eventId}`);
  const stillHeld = whilePaused.deliveries.find(item => item.id === delivery.id);
  assert(stillHeld.status === 'pending' && stillHeld.attempts === 0, `the paused delivery is ${stillHeld.status} after ${stillHeld.attempts} attempts`);
  const attemptsWhilePaused = await relay('GET', `/api/v1/destinations/${destinationId}/attempts`);
  assert(attemptsWhilePaused.length === 0, `${attemptsWhilePaused.length} attempts were made while paused`);

  // Resume: the held webhook is delivered, and the card's attempts show it.
  await card.getByRole('button', { name: 'Resume' }).click();
  await card.locator('[data-status="enabled"]').waitFor();
  await eventually('the held webhook delivered after resume', async () => {
    const detail = await relay('GET', `/api/v1/events/${held.eventId}`);
    return detail.deliveries.find(item => item.id === delivery.id)?.status === 'succeeded';
  });
  await card.getByRole('button', { name: /Refresh health and attempts/ }).click();
  await card.getByRole('table', { name: /Recent attempts/ }).getByText('success').first().waitFor();

  // A test event: the outcome says delivered, with the receiver's status code and the latency.
  await card.getByRole('button', { name: 'Send test event' }).click();
  const outcome = card.getByRole('status');
  await outcome.getByText('Test event delivered').waitFor({ timeout: 45000 });
  await outcome.getByText('202', { exact: true }).waitFor();
  await outcome.getByText(/\d+ ms/).waitFor();
  await screenshot(page, 'console-integration');

  // Rotate the signing secret: asked first, the new whsec_ shown once, gone once the dialog is closed.
  await card.getByRole('button', { name: 'Rotate signing secret' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate signing secret' }).click();
  const shown = page.getByRole('dialog', { name: 'New signing secret' });
  await shown.getByText('it will not be shown again').waitFor();
  const secret = await shown.getByRole('textbox', { name: 'Signing secret' }).inputValue();
  assert(/^whsec_[A-Za-z0-9+/=]{20,}$/.test(secret), `the new signing secret looks like ${secret.slice(0, 8)}…`);
  await shown.getByRole('button', { name: 'Done' }).click();
  await shown.waitFor({ state: 'detached' });
  assert(!(await page.content()).includes(secret), 'the secret is gone from the page once the dialog is closed');
  const rotated = await relay('GET', `/api/v1/destinations/${destinationId}`);
  assert(rotated.signingSecret?.rotatedAt, 'the API records the rotation');
  assert(!JSON.stringify(rotated).includes(secret), 'the API never answers the secret again');
}
