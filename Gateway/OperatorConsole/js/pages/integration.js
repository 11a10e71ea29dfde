// One integration: how its webhooks come in (never a secret), and each destination it delivers to, with what Delivery
// has learned about it and what an operator does to it: pause, resume, send a test event, rotate its signing secret,
// recover failed deliveries, read its recent attempts.
import { api } from '../api.js';
import {
  h, fill, badge, timeCell, formatTime, formatMs, copyButton, errorBox, act, toast, formDialog, confirmDialog, dataTable,
  keyValues, jsonBlock,
} from '../ui.js';
import { webhookUrl, showSecretOnce, showFailure, localInputValue, isoFromLocalInput, shortId } from './integration-shared.js';

const GRACE_OPTIONS = [
  { value: '86400', label: '1 day (default)' },
  { value: '3600', label: '1 hour' },
  { value: '604800', label: '7 days' },
  { value: '0', label: 'None: the old secret stops at once' },
];
const RECOVERY_POLL_MS = 1500;
const ATTEMPTS_SHOWN = 10;

export default async function render(view, params, signal) {
  const { data: integration } = await api.get(`/api/v1/integrations/${params.id}`, {}, { signal });
  const destinationsList = h('div.destinations', h('p.muted', 'Loading destinations…'));
  const settings = h('div');

  function drawHead() {
    fill(head,
      h('h1', integration.provider, ' ', h('span.muted', `· ${integration.name}`)),
      badge(integration.isActive ? 'enabled' : 'disabled'),
      h('div.actions',
        h('a.button', { href: `/console/dashboard?integrationId=${integration.id}` }, 'Its activity'),
        h('a.button', { href: `/console/replays?integrationId=${integration.id}` }, 'Replay its events…'),
        h('button', {
          type: 'button', class: integration.isActive ? 'danger' : '', 'data-scope': 'write',
          onclick: event => toggleIntegration(event.currentTarget),
        }, integration.isActive ? 'Disable integration' : 'Enable integration'),
        h('button', { type: 'button', 'data-scope': 'write', onclick: event => rotateInboundSecret(event.currentTarget) }, 'Rotate inbound secret')));
  }

  function drawSettings() {
    const verification = integration.verification ?? {};
    fill(settings, h('section.panel', { 'aria-labelledby': 'settings-title' },
      h('header.panel-head', h('h2', { id: 'settings-title' }, 'How webhooks come in')),
      h('div.grid-2',
        keyValues([
          ['Webhook URL', h('span', h('code', webhookUrl(integration.provider)), ' ', copyButton(webhookUrl(integration.provider), 'Copy URL'))],
          ['Display name', integration.name],
          ['Status', badge(integration.isActive ? 'enabled' : 'disabled')],
          ['Preset', integration.preset ?? 'none (configured by hand)'],
          ['Verification', verification.scheme ?? '—'],
          verification.header ? ['Signature header', h('code', verification.header)] : null,
          verification.prefix ? ['Header prefix', h('code', verification.prefix)] : null,
          verification.toleranceSeconds ? ['Timestamp tolerance', `${verification.toleranceSeconds} s`] : null,
        ]),
        keyValues([
          ['Inbound secret', integration.inboundSecret?.rotatedAt ? ['rotated ', timeCell(integration.inboundSecret.rotatedAt)] : 'as created (never rotated)'],
          integration.inboundSecret?.previousValidUntil
            ? ['Previous secret', new Date(integration.inboundSecret.previousValidUntil) > new Date()
              ? `still verifies until ${formatTime(integration.inboundSecret.previousValidUntil)}` : 'no longer verifies']
            : null,
          ['Default destination', h('code', integration.callbackUrl)],
          ['Created', timeCell(integration.createdAt)],
          ['Updated', timeCell(integration.updatedAt)],
          ['Integration id', h('code', integration.id)],
        ])),
      integration.fields ? h('details.mapping', h('summary', 'Field mapping (where the event id, type, time and payload are read from)'), jsonBlock(integration.fields)) : null));
  }

  const head = h('div.page-head');
  drawHead();
  drawSettings();
  fill(view,
    h('p.crumbs', h('a', { href: '/console/integrations' }, '← Integrations')),
    head,
    settings,
    h('section.panel', { 'aria-labelledby': 'destinations-title' },
      h('header.panel-head', h('h2', { id: 'destinations-title' }, 'Destinations'),
        h('div.actions',
          h('button', { type: 'button', onclick: () => loadDestinations() }, 'Refresh'),
          h('button.primary', { type: 'button', 'data-scope': 'write', onclick: () => addDestination() }, 'Add destination'))),
      destinationsList));

  async function toggleIntegration(button) {
    const enabling = !integration.isActive;
    if (!enabling && !await confirmDialog(`Disable ${integration.provider}?`,
      `Webhooks sent to ${webhookUrl(integration.provider)} will be refused (404) until it is enabled again.`, 'Disable integration')) return;
    const result = await act(button, () => api.post(`/api/v1/integrations/${integration.id}/${enabling ? 'enable' : 'disable'}`, {}),
      enabling ? 'Integration enabled' : 'Integration disabled');
    if (result) {
      Object.assign(integration, result.data);
      drawHead();
      drawSettings();
    }
  }

  async function rotateInboundSecret(button) {
    // The API does not make inbound secrets: the provider issues them, so the operator types the new one in.
    const values = await formDialog({
      title: 'Rotate the inbound secret',
      description: `The secret ${integration.provider} signs its webhooks with. Set the new one at the provider too; during the grace period webhooks signed with either secret are accepted.`,
      submitLabel: 'Rotate inbound secret',
      fields: [
        { name: 'secret', label: 'New secret', type: 'password', required: true, help: 'At least 16 characters. Stored encrypted, never shown again.' },
        { name: 'graceSeconds', label: 'Old secret keeps verifying for', options: GRACE_OPTIONS, value: '86400' },
      ],
    });
    if (!values) return;
    const result = await act(button, () => api.post(`/api/v1/integrations/${integration.id}/secret`,
      { secret: values.secret, graceSeconds: Number(values.graceSeconds) }), 'Inbound secret rotated');
    if (result) {
      Object.assign(integration, result.data);
      drawSettings();
    }
  }

  async function addDestination() {
    const values = await formDialog({
      title: 'Add a destination',
      description: 'Every webhook of this integration whose event type matches is delivered there too, signed with its own secret.',
      submitLabel: 'Add destination',
      fields: [
        { name: 'url', label: 'URL', type: 'url', required: true, placeholder: 'https://…' },
        { name: 'eventTypes', label: 'Event types', placeholder: 'e.g. order.*, invoice.paid', help: 'Comma-separated patterns; empty takes every event type.' },
        { name: 'description', label: 'Description' },
      ],
    });
    if (!values) return;
    const body = { url: values.url.trim() };
    const eventTypes = values.eventTypes.split(',').map(type => type.trim()).filter(Boolean);
    if (eventTypes.length) body.eventTypes = eventTypes;
    if (values.description.trim()) body.description = values.description.trim();
    try {
      const { data } = await api.post(`/api/v1/integrations/${integration.id}/destinations`, body);
      await showSecretOnce({
        title: 'Destination added',
        what: 'Signing secret',
        secret: data.signingSecret,
        note: `Deliveries to ${data.url} are signed with this secret; the receiver checks the signature with it.`,
      });
      await loadDestinations();
    } catch (error) {
      await showFailure('The destination was not added', error);
    }
  }

  async function loadDestinations() {
    try {
      const destinations = [];
      let cursor;
      do {
        const { data, meta } = await api.get(`/api/v1/integrations/${integration.id}/destinations`, { limit: 100, cursor }, { signal });
        destinations.push(...data);
        cursor = meta?.nextCursor;
      } while (cursor && destinations.length < 500);
      fill(destinationsList, destinations.length
        ? destinations.map(destination => destinationCard(destination, signal))
        : h('p.empty', 'No destinations: add one so its webhooks go somewhere.'));
    } catch (error) {
      if (error.name !== 'AbortError') fill(destinationsList, errorBox(error));
    }
  }

  await loadDestinations();
}

/** One destination: its state, health and filters, its actions, and its recent attempts. */
function destinationCard(initial, signal) {
  let destination = initial;
  const card = h('article.destination', { 'aria-label': `Destination ${destination.url}`, dataset: { destinationId: destination.id } });
  const outcome = h('div.outcome', { role: 'status', 'aria-live': 'polite' });
  const attempts = h('div.attempts', h('p.muted', 'Loading attempts…'));

  function draw() {
    const health = destination.health ?? {};
    const paused = destination.status === 'paused';
    fill(card,
      h('header.destination-head',
        h('h3', h('code', destination.url)),
        h('span', { 'data-status': destination.status }, badge(destination.status)),
        destination.isDefault ? h('span.badge.muted', 'default') : null,
        h('div.actions',
          paused || destination.status === 'disabled'
            ? h('button.primary', { type: 'button', 'data-scope': 'write', onclick: event => resume(event.currentTarget) }, 'Resume')
            : h('button', { type: 'button', 'data-scope': 'write', onclick: event => pause(event.currentTarget) }, 'Pause'),
          h('button', { type: 'button', 'data-scope': 'write', onclick: event => sendTest(event.currentTarget) }, 'Send test event'),
          h('button', { type: 'button', 'data-scope': 'write', onclick: event => recover(event.currentTarget) }, 'Recover'),
          h('button.danger', { type: 'button', 'data-scope': 'write', onclick: event => rotateSigningSecret(event.currentTarget) }, 'Rotate signing secret'))),
      destination.description ? h('p.muted', destination.description) : null,
      paused ? h('p.warn', 'Paused: new deliveries are held here until it is resumed; nothing is lost.') : null,
      destination.disabled ? h('p.warn', `Disabled by Relay ${formatTime(destination.disabled.at)}${destination.disabled.reason ? `: ${destination.disabled.reason}` : ''}. Resume it once the receiver is fixed.`) : null,
      h('div.grid-3',
        h('div', h('h4', 'Health'), keyValues([
          ['Last success', timeCell(health.lastSuccessAt)],
          ['Last failure', timeCell(health.lastFailureAt)],
          ['Failures in a row', String(health.consecutiveFailures ?? 0)],
          health.failingSince ? ['Failing since', timeCell(health.failingSince)] : null,
          health.circuitOpenUntil && new Date(health.circuitOpenUntil) > new Date() ? ['Circuit open until', formatTime(health.circuitOpenUntil)] : null,
          health.lastError ? ['Last error', h('span.error-text', health.lastError)] : null,
        ])),
        h('div', h('h4', 'Filters'), keyValues([
          ['Event types', destination.eventTypes?.length ? destination.eventTypes.map(type => h('code.tag', type)) : 'every event type'],
          ['Payload filter', destination.payloadFilter ? h('code', destination.payloadFilter) : 'none'],
          destination.headerNames?.length ? ['Extra headers', destination.headerNames.join(', ')] : null,
        ])),
        h('div', h('h4', 'Delivery'), keyValues([
          ['Timeout', destination.timeoutSeconds ? `${destination.timeoutSeconds} s` : 'default'],
          ['Rate limit', destination.rateLimitPerSecond ? `${destination.rateLimitPerSecond}/s` : 'none'],
          ['Retries', destination.retryPolicy ? JSON.stringify(destination.retryPolicy) : 'default'],
          ['Signing secret', destination.signingSecret?.rotatedAt ? ['rotated ', timeCell(destination.signingSecret.rotatedAt)] : 'as created'],
          destination.signingSecret?.previousValidUntil && new Date(destination.signingSecret.previousValidUntil) > new Date()
            ? ['Old secret', `also signs until ${formatTime(destination.signingSecret.previousValidUntil)}`] : null,
        ]))),
      outcome,
      h('div.attempts-head', h('h4', 'Recent attempts'),
        h('button.small', { type: 'button', onclick: () => refresh(), 'aria-label': `Refresh health and attempts of ${destination.url}` }, 'Refresh')),
      attempts);
  }

  async function replaceWith(action, button, message) {
    const result = await act(button, action, message);
    if (result) {
      destination = result.data;
      draw();
    }
    return result;
  }

  async function pause(button) {
    if (!await confirmDialog('Pause this destination?',
      `New deliveries to ${destination.url} are held (not lost) until it is resumed.`, 'Pause')) return;
    await replaceWith(() => api.post(`/api/v1/destinations/${destination.id}/pause`, {}), button, 'Destination paused');
  }

  async function resume(button) {
    const result = await replaceWith(() => api.post(`/api/v1/destinations/${destination.id}/resume`, {}), button, 'Destination resumed: held deliveries are on their way');
    if (result) setTimeout(() => !signal.aborted && refresh(), 2500);
  }

  async function sendTest(button) {
    fill(outcome, h('p.muted', 'Sending a signed test event…'));
    button.disabled = true;
    try {
      const { data, requestId } = await api.post(`/api/v1/destinations/${destination.id}/test`, {});
      fill(outcome, h(`div.test-outcome.${data.succeeded ? 'ok' : 'bad'}`,
        h('strong', data.succeeded ? 'Test event delivered' : 'Test event failed'),
        keyValues([
          ['HTTP status', data.httpStatus ? String(data.httpStatus) : 'no answer'],
          ['Latency', formatMs(data.durationMs)],
          data.error ? ['Error', h('span.error-text', data.error)] : null,
          data.responseExcerpt ? ['Response', h('code', data.responseExcerpt)] : null,
          ['Test id', h('code', data.testId)],
          requestId ? ['Request id', h('code', requestId)] : null,
        ])));
    } catch (error) {
      fill(outcome, errorBox(error));
    } finally {
      button.disabled = false;
    }
    refresh();
  }

  /** Reads the destination (its health changes with every attempt) and its recent attempts again. */
  async function refresh() {
    try {
      destination = (await api.get(`/api/v1/destinations/${destination.id}`, {}, { signal })).data;
      draw();
    } catch { /* the card keeps what it had */ }
    await loadAttempts();
  }

  async function rotateSigningSecret(button) {
    const values = await formDialog({
      title: 'Rotate the signing secret?',
      description: `A new secret signs deliveries to ${destination.url}. The receiver must learn it; during the grace period deliveries carry signatures by both secrets.`,
      submitLabel: 'Rotate signing secret',
      fields: [{ name: 'graceSeconds', label: 'Old secret keeps signing for', options: GRACE_OPTIONS, value: '86400' }],
    });
    if (!values) return;
    const result = await act(button, () => api.post(`/api/v1/destinations/${destination.id}/rotate-secret`, { graceSeconds: Number(values.graceSeconds) }));
    if (!result) return;
    await showSecretOnce({
      title: 'New signing secret',
      what: 'Signing secret',
      secret: result.data.signingSecret,
      note: result.data.previousValidUntil
        ? `The old secret also signs until ${formatTime(result.data.previousValidUntil)}.`
        : 'The old secret no longer signs anything.',
    });
    refresh();
  }

  async function recover(button) {
    const values = await formDialog({
      title: 'Recover failed deliveries',
      description: `Every delivery to ${destination.url} that failed since this time is sent again, as a tracked job.`,
      submitLabel: 'Recover',
      fields: [{ name: 'since', label: 'Failed since', type: 'datetime-local', required: true, value: localInputValue(new Date(Date.now() - 3600_000)) }],
    });
    if (!values) return;
    const since = isoFromLocalInput(values.since);
    const result = await act(button, () => api.post(`/api/v1/destinations/${destination.id}/recover`, { since }), 'Recovery started');
    if (result) followRecovery(result.data);
  }

  async function followRecovery(recovery) {
    const bar = h('span');
    const line = h('p');
    const box = h('div.recovery', h('strong', `Recovery of failures since ${formatTime(recovery.since)}`), h('div.progress', { role: 'progressbar', 'aria-label': 'Recovery progress' }, bar), line);
    fill(outcome, box);
    for (;;) {
      const total = recovery.total ?? 0;
      const percent = total ? Math.round(100 * recovery.requeued / total) : recovery.status === 'completed' ? 100 : 0;
      bar.style.width = `${percent}%`;
      box.querySelector('.progress').setAttribute('aria-valuenow', String(percent));
      fill(line, badge(recovery.status), ' ',
        `${recovery.requeued} of ${recovery.total ?? '?'} sent again · ${recovery.succeeded} delivered · ${recovery.failed} failed · ${recovery.pending} on their way`,
        recovery.error ? h('span.error-text', ` — ${recovery.error}`) : null);
      const finished = recovery.status === 'failed' || (recovery.status === 'completed' && Number(recovery.pending) === 0);
      if (finished || signal.aborted) break;
      await new Promise(resolve => setTimeout(resolve, RECOVERY_POLL_MS));
      if (signal.aborted) break;
      try {
        recovery = (await api.get(`/api/v1/recoveries/${recovery.id}`, {}, { signal })).data;
      } catch (error) {
        if (error.name !== 'AbortError') box.append(errorBox(error));
        break;
      }
    }
    if (!signal.aborted) {
      refresh();
      if (recovery.status === 'completed') toast('Recovery finished', 'ok');
    }
  }

  async function loadAttempts() {
    try {
      const { data } = await api.get(`/api/v1/destinations/${destination.id}/attempts`, { limit: ATTEMPTS_SHOWN }, { signal });
      fill(attempts, dataTable(['When', 'Event', 'Status', 'HTTP', 'Latency', 'Error'], data.map(attempt => ({
        href: `/console/events/${attempt.eventId}`,
        cells: [
          timeCell(attempt.createdAt),
          h('a', { href: `/console/events/${attempt.eventId}` }, shortId(attempt.eventId)),
          attemptBadge(attempt.status),
          attempt.httpStatus ? String(attempt.httpStatus) : '—',
          formatMs(attempt.durationMs),
          attempt.error ? h('span.error-text', attempt.error) : '',
        ],
      })), { empty: 'No delivery attempts yet.', label: `Recent attempts to ${destination.url}` }));
    } catch (error) {
      if (error.name !== 'AbortError') fill(attempts, errorBox(error));
    }
  }

  draw();
  loadAttempts();
  return card;
}

/** An attempt's status ("success" or "failed") as a badge in the tone the rest of the console uses. */
function attemptBadge(status) {
  return h(`span.badge.${status === 'success' ? 'ok' : status === 'failed' ? 'bad' : 'muted'}`, status);
}
