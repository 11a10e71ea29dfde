// What every console scenario needs: the browser, the Relay it runs against (through the gateway only), and the
// operator's moves (sign in, send a webhook, take a screenshot). Scenarios set up their own data through the public
// API, as an operator or a provider would, with names of their own so they never meet another test's data.
import { chromium } from 'playwright-core';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const gateway = required('RELAY_GATEWAY').replace(/\/$/, '');
export const bootstrapKey = required('RELAY_MANAGEMENT_KEY');
/** Where the README's screenshots go when RELAY_SCREENSHOTS names a folder (docs/images); else nowhere. */
const screenshotFolder = process.env.RELAY_SCREENSHOTS || null;
const chromiumPath = process.env.RELAY_CHROMIUM || '/usr/bin/chromium';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function uniqueName(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const problems = [];
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  // An API refusal (a wrong key's 401) is logged by Chromium as a failed resource; the page shows those itself.
  page.on('console', message => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error: ${message.text()}`);
  });
  return { browser, page, problems };
}

/** Calls the management API with a key (the bootstrap key by default); returns the envelope's data or throws its error. */
export async function relay(method, path, body, key = bootstrapKey) {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const envelope = text ? JSON.parse(text) : {};
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return envelope.data;
}

/** A new API key with these scopes, as an operator would make one for a colleague; the console signs in with it. */
export async function createApiKey(name, scopes) {
  const created = await relay('POST', '/api/v1/api-keys', { name, scopes });
  return created.key;
}

/**
 * An integration of its own, verified by HMAC-SHA256 (hex) of the body in x-console-signature, whose events carry
 * eventId, eventType and data. Its default destination is the callback URL given.
 */
export async function createIntegration({ provider, callbackUrl, secret = 'console-test-secret' }) {
  const integration = await relay('POST', '/api/v1/integrations', {
    provider,
    name: `Console test ${provider}`,
    secret,
    callbackUrl,
    verification: { scheme: 'hmac-sha256-hex', header: 'x-console-signature' },
    fields: { eventId: { from: { pointer: '/id' } }, eventType: { from: { pointer: '/type' } } },
  });
  return { ...integration, secret };
}

/** A URL nobody listens on (port 1 of loopback): deliveries to it fail at once with a connection error. */
export const unreachableUrl = 'http://127.0.0.1:1/hooks';

/** The gateway's development sink, which answers 200 to deliveries. */
export function sinkUrl(provider) {
  return `${gateway}/api/v1/internal/delivery-sink/${provider}`;
}

/** Sends a webhook the way the provider would: signed body to /api/v1/webhooks/{provider}. Returns Ingress' answer data. */
export async function sendWebhook(integration, { id = `evt_${randomUUID().slice(0, 12)}`, type = 'order.created', data = {} } = {}) {
  const body = JSON.stringify({ id, type, data });
  const signature = createHmac('sha256', integration.secret).update(body).digest('hex');
  const response = await fetch(`${gateway}/api/v1/webhooks/${integration.provider}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-console-signature': signature },
    body,
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`webhook → ${response.status} ${text}`);
  return { ...JSON.parse(text).data, externalId: id };
}

export async function signIn(page, key) {
  await page.goto(`${gateway}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(url => !url.pathname.startsWith('/console/login'));
}

/** A screenshot of the page for the README (only when RELAY_SCREENSHOTS names a folder). */
export async function screenshot(page, name) {
  if (!screenshotFolder) return;
  mkdirSync(screenshotFolder, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(screenshotFolder, `${name}.png`) });
}

/** Waits until check() returns something truthy (polling the API); fails with what it waited for. */
export async function eventually(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check().catch(() => null);
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
