// One event: why it failed first (a callout per failed delivery), then its ids and times, its deliveries per
// destination with every attempt, replay (with progress until the new deliveries settle), its replay requests, the
// normalized payload, the raw request as received (headers redacted by the API) and the audit trail.
import { api, session } from '../api.js';
import { h, fill, formatTime, timeCell, formatMs, badge, jsonBlock, copyButton, errorBox, toast, formDialog, section, keyValues, dataTable } from '../ui.js';

const SETTLED_DELIVERY = new Set(['succeeded', 'failed']);
const SETTLED_REPLAY = new Set(['completed', 'failed']);
const POLL_MS = 1500;
// How long the page follows a replay before it leaves the operator to reload.
const FOLLOW_REPLAY_MS = 120000;

export default async function render(view, params, signal) {
  const id = params.id;
  const destinations = new Map();
  let followingReplay = null;

  async function load() {
    const { data } = await api.get(`/api/v1/events/${encodeURIComponent(id)}`, undefined, { signal });
    await loadDestinations(data.deliveries ?? [], destinations, signal);
    const audit = await loadAudit(id, data.replayRequests ?? [], signal);
    return { detail: data, audit };
  }

  function draw({ detail, audit }) {
    const event = detail.event;
    document.title = `${event.eventType} · Event · Relay console`;
    const replayButton = h('button.primary.replay', { type: 'button', 'data-scope': 'replay', title: 'Deliver this event again to its destinations', 'data-keep-focus': 'replay' }, 'Replay event');
    replayButton.addEventListener('click', () => replay(replayButton, event));
    const focused = document.activeElement;
    const hadFocus = focused && view.contains(focused) ? focused.closest('[data-keep-focus]')?.dataset.keepFocus : null;
    fill(view,
      h('p.crumbs', h('a', { href: '/console/events' }, '← Events'),
        event.status === 'failed' ? [' · ', h('a', { href: '/console/events?view=failed' }, 'Failed deliveries')] : null),
      h('div.page-head',
        h('h1', event.eventType),
        badge(event.status),
        h('span.muted', event.provider),
        h('div.actions', replayButton)),
      failureCallouts(detail, destinations),
      followingReplay ? replayProgress(detail, followingReplay) : null,
      section('Event', null, identifiers(detail)),
      deliveriesSection(detail, destinations),
      replaysSection(detail),
      h('div.grid-2',
        section('Normalized payload', copyButton(JSON.stringify(event.normalizedPayload, null, 2), 'Copy JSON'), jsonBlock(event.normalizedPayload)),
        rawRequestSection(detail.webhook)),
      processingSection(detail),
      auditSection(audit));
    if (hadFocus) view.querySelector(`[data-keep-focus="${hadFocus}"]`)?.focus();
  }

  async function replay(button, event) {
    const values = await formDialog({
      title: 'Replay this event?',
      description: `Relay delivers this ${event.eventType} event again to every destination that takes it, as a new delivery with its own attempts. The destinations receive it a second time.`,
      submitLabel: 'Replay',
      fields: [
        { name: 'reason', label: 'Reason (kept in the audit trail)', value: 'Replayed from the console', required: true, help: '5 to 500 characters.' },
      ],
    });
    if (!values) return;
    button.disabled = true;
    try {
      const { data } = await api.post(`/api/v1/events/${encodeURIComponent(id)}/replay`, {
        reason: values.reason.trim(),
        requestedBy: `console ${session.label}`.slice(0, 120),
      });
      toast('Replay requested: the new delivery is shown below as it happens.', 'ok');
      followingReplay = { id: data.replayRequestId, until: Date.now() + FOLLOW_REPLAY_MS };
      await refresh();
    } catch (error) {
      toast(`${error.message}${error.code ? ` (${error.code})` : ''}${error.requestId ? ` — request ${error.requestId}` : ''}`, 'bad');
    } finally {
      button.disabled = false;
    }
  }

  let timer = null;
  let drawn = null;
  async function refresh() {
    clearTimeout(timer);
    let state;
    try {
      state = await load();
    } catch (error) {
      if (error.name === 'AbortError') return;
      toast(`Could not refresh the event: ${error.message}`, 'bad');
      timer = setTimeout(refresh, POLL_MS * 2);
      return;
    }
    if (signal.aborted) return;
    if (followingReplay && (Date.now() > followingReplay.until || replaySettled(state.detail, followingReplay.id))) {
      followingReplay.settled = true;
    }
    // Redraw only when something changed: a redraw moves the keyboard focus and resets copy buttons.
    const snapshot = JSON.stringify([state, followingReplay]);
    if (snapshot !== drawn) {
      drawn = snapshot;
      draw(state);
    }
    // Refresh while something is still under way: a delivery attempting, or a replay being followed.
    const busy = (state.detail.deliveries ?? []).some(delivery => !SETTLED_DELIVERY.has(delivery.status) && delivery.nextAttemptAt)
      || ['pending', 'processing'].includes(state.detail.event.status)
      || (followingReplay && !followingReplay.settled);
    if (busy) timer = setTimeout(refresh, followingReplay && !followingReplay.settled ? POLL_MS : POLL_MS * 2);
  }
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });

  try {
    const state = await load();
    drawn = JSON.stringify([state, followingReplay]);
    draw(state);
  } catch (error) {
    if (error.name === 'AbortError') return;
    fill(view, h('p.crumbs', h('a', { href: '/console/events' }, '← Events')), h('h1', 'Event'),
      errorBox(error.status === 404 ? { ...error, message: `No event has the id ${id}.` } : error));
    return;
  }
  timer = setTimeout(refresh, POLL_MS);
}

async function loadDestinations(deliveries, destinations, signal) {
  const missing = [...new Set(deliveries.map(delivery => delivery.destinationId))].filter(id => id && !destinations.has(id));
  await Promise.all(missing.map(async id => {
    try {
      const { data } = await api.get(`/api/v1/destinations/${id}`, undefined, { signal });
      destinations.set(id, data);
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      destinations.set(id, null); // deleted since, or not readable: the page names it by id
    }
  }));
}

/** The event's audit entries and its replay requests' (newest replay requests only), newest first. */
async function loadAudit(eventId, replayRequests, signal) {
  const ids = [eventId, ...replayRequests.slice(0, 5).map(replay => replay.id)];
  const lists = await Promise.all(ids.map(entityId =>
    api.get('/api/v1/audit-entries', { entityId, limit: 50 }, { signal }).then(result => result.data, error => {
      if (error.name === 'AbortError') throw error;
      return { error };
    })));
  const failed = lists.find(list => list && !Array.isArray(list));
  const entries = lists.filter(Array.isArray).flat().sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id));
  return { entries, error: failed?.error ?? null };
}

function replaySettled(detail, replayId) {
  const request = (detail.replayRequests ?? []).find(replay => replay.id === replayId);
  const deliveries = (detail.deliveries ?? []).filter(delivery => delivery.replayRequestId === replayId);
  return request && SETTLED_REPLAY.has(request.status) && deliveries.every(delivery => SETTLED_DELIVERY.has(delivery.status));
}

function destinationName(destinations, destinationId) {
  const destination = destinations.get(destinationId);
  return destination?.url ?? `destination ${destinationId ?? '(unknown)'}`;
}

/** The attempts of one delivery: by destinationId (and deliveryId) when the API gives them, else none. */
function attemptsOf(detail, delivery) {
  const attempts = detail.deliveryAttempts ?? [];
  if (attempts.some(attempt => attempt.deliveryId)) return attempts.filter(attempt => attempt.deliveryId === delivery.id);
  if (attempts.some(attempt => attempt.destinationId)) return attempts.filter(attempt => attempt.destinationId === delivery.destinationId);
  return [];
}

function attributed(detail) {
  return (detail.deliveryAttempts ?? []).some(attempt => attempt.deliveryId || attempt.destinationId);
}

// ---- why it failed ------------------------------------------------------------------------------------------------

function failureCallouts(detail, destinations) {
  const failing = (detail.deliveries ?? []).filter(delivery => delivery.status === 'failed' || delivery.status === 'retrying');
  // The newest delivery to a destination tells its state; an older failure a replay has since fixed is history.
  const latest = new Map();
  for (const delivery of detail.deliveries ?? []) latest.set(delivery.destinationId, delivery);
  const current = failing.filter(delivery => latest.get(delivery.destinationId) === delivery);
  const callouts = current.map(delivery => {
    const attempts = attemptsOf(detail, delivery);
    const last = attempts.at(-1) ?? (attributed(detail) ? null : lastFailedAttempt(detail));
    const why = delivery.lastError ?? last?.errorMessage ?? (last?.httpStatus ? `HTTP ${last.httpStatus}` : 'no reason recorded');
    const http = last?.httpStatus ? ` (HTTP ${last.httpStatus})` : '';
    const plural = delivery.attempts === 1 ? 'attempt' : 'attempts';
    const headline = delivery.status === 'failed'
      ? `Delivery to ${destinationName(destinations, delivery.destinationId)} failed after ${delivery.attempts} ${plural}: ${why}${http}`
      : `Delivery to ${destinationName(destinations, delivery.destinationId)} is failing (${delivery.attempts} ${plural} so far): ${why}${http}`;
    return h('div.callout.bad', { role: 'alert' },
      h('strong', headline),
      h('div.muted', delivery.status === 'failed'
        ? 'Relay has stopped trying. Fix the destination (or its URL), then replay the event.'
        : delivery.nextAttemptAt ? ['Next attempt ', timeCell(delivery.nextAttemptAt), '.'] : 'Held: the destination is paused or disabled.'));
  });
  if (!callouts.length && detail.event.status === 'failed' && detail.event.lastError) {
    callouts.push(h('div.callout.bad', { role: 'alert' }, h('strong', `This event failed: ${detail.event.lastError}`)));
  }
  return callouts;
}

function lastFailedAttempt(detail) {
  return (detail.deliveryAttempts ?? []).filter(attempt => attempt.status !== 'success' && attempt.status !== 'succeeded').at(-1) ?? null;
}

function replayProgress(detail, following) {
  const request = (detail.replayRequests ?? []).find(replay => replay.id === following.id);
  const deliveries = (detail.deliveries ?? []).filter(delivery => delivery.replayRequestId === following.id);
  const settled = deliveries.filter(delivery => SETTLED_DELIVERY.has(delivery.status)).length;
  const state = !request ? 'queued'
    : following.settled ? `${request.status}${request.failureReason ? `: ${request.failureReason}` : ''}`
    : request.status;
  const bar = h('div.progress', { role: 'progressbar', 'aria-label': 'Replay progress', 'aria-valuemin': 0, 'aria-valuemax': Math.max(1, deliveries.length), 'aria-valuenow': settled }, h('span'));
  bar.firstChild.style.width = `${deliveries.length ? Math.round((settled / deliveries.length) * 100) : following.settled ? 100 : 5}%`;
  return h('div.callout.info', { role: 'status' },
    h('strong', 'Replay ', h('code', shortId(following.id)), ' — ', state),
    h('div.muted', deliveries.length
      ? `${settled} of ${deliveries.length} new deliver${deliveries.length === 1 ? 'y' : 'ies'} settled${following.settled ? '' : '; this page refreshes until they do'}.`
      : following.settled ? 'No new delivery was made.' : 'Waiting for the replay to be dispatched…'),
    bar);
}

// ---- the event's facts --------------------------------------------------------------------------------------------

function withCopy(value, what) {
  if (!value) return null;
  const button = copyButton(value, 'Copy');
  button.setAttribute('aria-label', `Copy the ${what}`);
  return h('span.with-copy', h('code', value), ' ', button);
}

function identifiers(detail) {
  const event = detail.event;
  const webhook = detail.webhook ?? {};
  const traceId = detail.traceId ?? event.traceId ?? webhook.traceId ?? null;
  return keyValues([
    ['Event id', withCopy(event.id, 'event id')],
    webhook.externalEventId ? ['Provider’s event id', withCopy(webhook.externalEventId, 'provider’s event id')] : null,
    ['Provider', h('span', event.provider, ' · ', h('a', { href: `/console/integrations/${event.integrationId}` }, 'integration'))],
    ['Subject', event.subject ? withCopy(event.subject, 'subject') : null],
    ['Received', h('span', formatTime(event.receivedAt), ' (', timeCell(event.receivedAt), ')')],
    ['Occurred', formatTime(event.occurredAt)],
    ['Trace id', traceId ? withCopy(traceId, 'trace id') : h('span.muted', 'not recorded')],
    ['Idempotency key', webhook.idempotencyKey ? h('code', webhook.idempotencyKey) : null],
    ['Signature', webhook.signatureValid === undefined ? null : webhook.signatureValid ? 'valid' : h('span.warn', 'not valid')],
    webhook.sourceIp ? ['Sent from', h('code', webhook.sourceIp)] : null,
  ]);
}

function deliveriesSection(detail, destinations) {
  const deliveries = detail.deliveries ?? [];
  const content = [];
  if (!deliveries.length) {
    content.push(h('p.empty', ['pending', 'processing'].includes(detail.event.status)
      ? 'Not delivered yet: Relay is working on it.'
      : 'No destination takes this event (none matched its type or filters).'));
  }
  for (const delivery of deliveries) {
    const destination = destinations.get(delivery.destinationId);
    const held = delivery.status === 'pending' && !delivery.nextAttemptAt;
    content.push(h('article.delivery', { 'aria-label': `Delivery to ${destinationName(destinations, delivery.destinationId)}` },
      h('header.delivery-head',
        h('h3', h('code', destinationName(destinations, delivery.destinationId))),
        delivery.isDefaultDestination ? h('span.badge.muted', 'default destination') : null,
        badge(held ? 'held' : delivery.status),
        delivery.replayRequestId ? h('span.badge.info', `replay ${shortId(delivery.replayRequestId)}`) : null,
        delivery.recoveryId ? h('span.badge.info', 'recovery') : null,
        destination?.status && destination.status !== 'enabled' ? h('span.badge.warn', `destination ${destination.status}`) : null),
      keyValues([
        ['Attempts', String(delivery.attempts)],
        ['Last attempt', delivery.lastAttemptAt ? timeCell(delivery.lastAttemptAt) : 'none yet'],
        delivery.nextAttemptAt ? ['Next attempt', timeCell(delivery.nextAttemptAt)] : held ? ['Next attempt', 'held (destination paused or disabled)'] : null,
        delivery.lastError ? ['Last error', h('span.error-text', delivery.lastError)] : null,
      ]),
      attributed(detail) ? attemptsTable(attemptsOf(detail, delivery), { perDelivery: true }) : null));
  }
  if (!attributed(detail) && (detail.deliveryAttempts ?? []).length) {
    content.push(h('h3', 'Attempts'), attemptsTable(detail.deliveryAttempts));
  }
  return section('Deliveries', null, content);
}

/** Attempts oldest first; numbered within their delivery when grouped by it, else by the event's attempt number. */
function attemptsTable(attempts, { perDelivery = false } = {}) {
  return dataTable(['#', 'When', 'Status', 'HTTP', 'Took', 'Error', 'Response'], attempts.map((attempt, index) => ({
    cells: [
      String(perDelivery ? index + 1 : attempt.attemptNo),
      timeCell(attempt.createdAt),
      badge(attempt.status === 'success' ? 'succeeded' : attempt.status),
      attempt.httpStatus ?? h('span.muted', '—'),
      formatMs(attempt.durationMs),
      attempt.errorMessage ? h('span.error-text', attempt.errorMessage) : h('span.muted', '—'),
      attempt.responseBody ? h('code.excerpt', { title: attempt.responseBody }, excerpt(attempt.responseBody, 120)) : h('span.muted', '—'),
    ],
  })), { empty: 'No attempt yet.', label: 'Delivery attempts' });
}

function replaysSection(detail) {
  const replays = detail.replayRequests ?? [];
  return section('Replay requests', null, dataTable(['Requested', 'By', 'Reason', 'Status', 'Why it failed'], replays.map(replay => ({
    dataset: { replayId: replay.id },
    cells: [
      timeCell(replay.createdAt),
      replay.requestedBy,
      replay.reason,
      badge(replay.status),
      replay.failureReason ? h('span.error-text', replay.failureReason) : h('span.muted', '—'),
    ],
  })), { empty: 'This event has not been replayed.', label: 'Replay requests' }));
}

function rawRequestSection(webhook) {
  if (!webhook) return section('Raw request', null, h('p.empty', 'The raw request is not stored.'));
  const headers = webhook.requestHeaders && typeof webhook.requestHeaders === 'object' ? Object.entries(webhook.requestHeaders) : [];
  return section('Raw request', copyButton(prettyBody(webhook.rawPayload), 'Copy body'),
    h('h3', 'Headers'),
    headers.length
      ? keyValues(headers.map(([name, value]) => [h('code', name), h('code', Array.isArray(value) ? value.join(', ') : String(value))]))
      : h('p.muted', 'No headers stored.'),
    h('p.muted.small', 'Credential headers (signatures, authorization, cookies) are redacted by Relay before they are shown.'),
    h('h3', 'Body'),
    jsonBlock(prettyBody(webhook.rawPayload)));
}

function prettyBody(body) {
  if (body === null || body === undefined) return '';
  if (typeof body !== 'string') return JSON.stringify(body, null, 2);
  try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body; }
}

function processingSection(detail) {
  const jobs = detail.processingJobs ?? [];
  if (!jobs.length) return null;
  return h('details.panel',
    h('summary', h('h2.inline', `Processing jobs (${jobs.length})`)),
    dataTable(['Created', 'Queue', 'Triggered by', 'Status', 'Attempt', 'Error'], jobs.map(job => ({
      cells: [timeCell(job.createdAt), h('code', job.queueName), job.triggeredBy, badge(job.status), String(job.attemptNo),
        job.errorMessage ? h('span.error-text', job.errorMessage) : h('span.muted', '—')],
    })), { label: 'Processing jobs' }));
}

function auditSection(audit) {
  return section('Audit trail', null,
    audit.error ? errorBox(audit.error) : null,
    dataTable(['When', 'Action', 'Actor', 'Details'], audit.entries.map(entry => ({
      cells: [timeCell(entry.createdAt), h('code', entry.action), entry.actor + (entry.apiKeyId ? ` (key ${entry.apiKeyId})` : ''),
        h('code.excerpt', { title: JSON.stringify(entry.details) }, excerpt(JSON.stringify(entry.details), 160))],
    })), { empty: 'No audit entries for this event.', label: 'Audit trail' }));
}

/** The end of a UUID: Relay's ids are UUIDv7, whose first characters are the time and alike for ids made together. */
function shortId(id) {
  return String(id).slice(-8);
}

function excerpt(text, length) {
  const flat = String(text).replace(/\s+/g, ' ');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
