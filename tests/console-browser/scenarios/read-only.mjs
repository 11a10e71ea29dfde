// An operator signed in with a read-only key sees what the key may not do before clicking: Replay on an event's page
// and Pause on a destination are disabled and say which scope they need; the top bar names the key.
import { gateway, createApiKey, createIntegration, sendWebhook, sinkUrl, signIn, eventually, assert, uniqueName } from '../lib.mjs';

export default async function readOnlyScenario(page) {
  const provider = uniqueName('cread');
  const integration = await createIntegration({ provider, callbackUrl: sinkUrl(provider) });
  const accepted = await sendWebhook(integration);
  const name = uniqueName('console-reader');
  const key = await createApiKey(name, ['read']);
  await signIn(page, key);

  await page.locator('[data-key-label]').getByText(name).waitFor();

  await page.goto(`${gateway}/console/events/${accepted.eventId}`);
  const replay = page.getByRole('button', { name: 'Replay event' });
  await replay.waitFor();
  await eventually('Replay to be disabled', () => replay.isDisabled());
  assert(await replay.getAttribute('title') === 'Needs the replay scope', `Replay's title is ${await replay.getAttribute('title')}`);
  assert(await replay.getAttribute('aria-description') === 'Needs the replay scope', 'Replay says why to assistive technology');
  await page.locator('[data-key-label]').getByText(name).waitFor();

  await page.goto(`${gateway}/console/integrations/${integration.id}`);
  const card = page.getByRole('article', { name: `Destination ${sinkUrl(provider)}` });
  await card.locator('[data-status="enabled"]').waitFor();
  const pause = card.getByRole('button', { name: 'Pause' });
  await eventually('Pause to be disabled', () => pause.isDisabled());
  assert(await pause.getAttribute('title') === 'Needs the write scope', `Pause's title is ${await pause.getAttribute('title')}`);
  // Reading is not gated: Refresh stays enabled.
  assert(await card.getByRole('button', { name: 'Refresh' }).first().isEnabled(), 'Refresh is enabled for a read-only key');
}
