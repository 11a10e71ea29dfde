// An operator sets up a provider from the console alone: creates an integration (scheme and header chosen in the form,
// the default destination's signing secret shown once), adds a second destination for some event types, runs a
// recovery on it to completion, and disables the integration from the list after confirming.
import { gateway, relay, createApiKey, sinkUrl, signIn, screenshot, eventually, assert, uniqueName } from '../lib.mjs';

export default async function createDestinationsScenario(page) {
  const provider = uniqueName('ccreate');
  const key = await createApiKey(uniqueName('console-admin'), ['read', 'write']);
  await signIn(page, key);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();

  await page.getByRole('button', { name: 'New integration' }).click();
  const form = page.getByRole('dialog');
  await form.getByLabel('Provider name').fill(provider);
  await form.getByLabel('Display name').fill(`Created in the console ${provider}`);
  await form.getByLabel('Default destination URL').fill(sinkUrl(provider));
  await form.getByLabel('Verification').selectOption('scheme:hmac-sha256-hex');
  await form.getByLabel('Signature header').fill('x-created-signature');
  await form.getByLabel('Inbound secret').fill('created-in-the-console-secret');
  await form.getByRole('button', { name: 'Create integration' }).click();

  const created = page.getByRole('dialog', { name: `Integration ${provider} created` });
  await created.getByText(`${gateway}/api/v1/webhooks/${provider}`).waitFor();
  const secret = await created.getByRole('textbox', { name: /Signing secret/ }).inputValue();
  assert(secret.startsWith('whsec_'), 'the default destination\'s signing secret is shown once');
  await created.getByRole('button', { name: 'Done' }).click();
  await page.waitForURL(url => /^\/console\/integrations\/[0-9a-f-]{36}$/.test(url.pathname));
  const integrationId = new URL(page.url()).pathname.split('/').at(-1);
  const integration = await relay('GET', `/api/v1/integrations/${integrationId}`);
  assert(integration.provider === provider && integration.verification.scheme === 'hmac-sha256-hex'
    && integration.verification.header === 'x-created-signature', `the API has ${JSON.stringify(integration.verification)}`);
  assert(!(await page.content()).includes('created-in-the-console-secret'), 'the inbound secret is never shown');

  // A second destination, for order events only.
  const secondUrl = `${sinkUrl(provider)}-orders`;
  await page.getByRole('button', { name: 'Add destination' }).click();
  const add = page.getByRole('dialog');
  await add.getByLabel('URL').fill(secondUrl);
  await add.getByLabel('Event types').fill('order.*, invoice.paid');
  await add.getByRole('button', { name: 'Add destination' }).click();
  const shown = page.getByRole('dialog', { name: 'Destination added' });
  assert((await shown.getByRole('textbox', { name: /Signing secret/ }).inputValue()).startsWith('whsec_'), 'the new destination\'s secret is shown once');
  await shown.getByRole('button', { name: 'Done' }).click();
  const card = page.getByRole('article', { name: `Destination ${secondUrl}` });
  await card.getByText('order.*').waitFor();
  await card.getByText('invoice.paid').waitFor();
  const destinations = await relay('GET', `/api/v1/integrations/${integrationId}/destinations`);
  assert(destinations.length === 2, `the integration has ${destinations.length} destinations`);

  // Recover its failures of the last hour (none yet): the job is followed on the card until it completes.
  await card.getByRole('button', { name: 'Recover' }).click();
  const recover = page.getByRole('dialog');
  assert((await recover.getByLabel('Failed since').inputValue()).length >= 16, 'the form proposes a start time');
  await recover.getByRole('button', { name: 'Recover' }).click();
  await card.getByText(/Recovery of failures since/).waitFor();
  await card.getByRole('progressbar', { name: 'Recovery progress' }).waitFor();
  await card.getByRole('status').getByText('completed', { exact: true }).waitFor({ timeout: 30000 });
  await card.getByRole('status').getByText(/0 of 0 sent again/).waitFor();

  // Disable it from the list: asked first, then the API says inactive.
  await page.getByRole('link', { name: '← Integrations' }).click();
  await page.getByLabel('Filter integrations by provider or name').fill(provider);
  const row = page.getByRole('row').filter({ hasText: provider });
  await row.getByText('2', { exact: true }).waitFor();
  await screenshot(page, 'console-integrations');
  await row.getByRole('button', { name: `Disable ${provider}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
  await row.getByRole('button', { name: `Enable ${provider}` }).waitFor();
  await eventually('the integration disabled', async () => (await relay('GET', `/api/v1/integrations/${integrationId}`)).isActive === false);
}
