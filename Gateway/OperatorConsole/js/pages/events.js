// Events: the newest events (GET /api/v1/events, 50 at a time) with new ones arriving live from the event stream, and
// the "Failed deliveries" view (GET /api/v1/deliveries?status=failed), where a newcomer starts when something broke.
// Filters live in the URL query, so a filtered view can be reloaded, bookmarked and shared.
import { api, followEventStream } from '../api.js';
import { h, fill, timeCell, badge, errorBox, tableRow, navigate, currentQuery, replaceQuery } from '../ui.js';

const PAGE_SIZE = 50;
const STATUSES = ['pending', 'processing', 'processed', 'retrying', 'failed'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// How often rows already shown are re-read while live: an event's status changes after it arrives (delivered, failed).
const REFRESH_MS = 4000;

export default async function render(view, params, signal) {
  const query = currentQuery();
  const integrations = await loadIntegrations(signal);
  const failedView = query.view === 'failed';

  fill(view,
    h('div.page-head',
      h('h1', 'Events'),
      h('nav.tabs', { 'aria-label': 'Event views' },
        tabLink('All events', viewHref(null), !failedView),
        tabLink('Failed deliveries', viewHref('failed'), failedView))));
  if (failedView) await renderFailedDeliveries(view, query, integrations, signal);
  else await renderEventList(view, query, integrations, signal);
}

function tabLink(text, href, current) {
  return h('a.tab', { href, 'aria-current': current ? 'page' : null }, text);
}

/** The same page with another view, keeping the provider filter (the one both views share). */
function viewHref(name) {
  const next = new URLSearchParams();
  const provider = currentQuery().provider;
  if (provider) next.set('provider', provider);
  if (name) next.set('view', name);
  const search = next.toString();
  return `/console/events${search ? `?${search}` : ''}`;
}

async function loadIntegrations(signal) {
  try {
    const { data } = await api.get('/api/v1/integrations', undefined, { signal });
    return data ?? [];
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    return [];
  }
}

function providerField(integrations, value) {
  const providers = [...new Set(integrations.map(integration => integration.provider))].sort();
  if (value && !providers.includes(value)) providers.unshift(value);
  return h('label', 'Provider',
    h('select', { name: 'provider' },
      h('option', { value: '' }, 'All providers'),
      providers.map(provider => h('option', { value: provider, selected: provider === value }, provider))));
}

// ---- All events ---------------------------------------------------------------------------------------------------

async function renderEventList(view, query, integrations, signal) {
  const liveState = h('span.live', { role: 'status', 'aria-live': 'polite' }, 'Connecting…');
  const pauseButton = h('button', { type: 'button', 'aria-pressed': 'false', title: 'Stop adding new events to the list' }, 'Pause live');
  view.querySelector('.page-head').append(h('div.actions', liveState, pauseButton));

  const search = h('input', {
    type: 'search', name: 'q', value: query.q ?? '', 'data-search': true, placeholder: 'Event id, provider event id or subject',
    'aria-describedby': 'events-search-help',
  });
  const toLocal = value => (value ? toLocalInput(value) : '');
  const form = h('form.filters.event-filters', { role: 'search', 'aria-label': 'Filter events' },
    h('label', 'Search', search),
    providerField(integrations, query.provider),
    h('label', 'Status', h('select', { name: 'status' },
      h('option', { value: '' }, 'Any status'),
      STATUSES.map(status => h('option', { value: status, selected: status === query.status }, status)))),
    h('label', 'Event type', h('input', { name: 'eventType', value: query.eventType ?? '', placeholder: 'order.created' })),
    h('label', 'Subject contains', h('input', { name: 'subject', value: query.subject ?? '' })),
    h('label', 'Occurred from', h('input', { name: 'from', type: 'datetime-local', value: toLocal(query.from) })),
    h('label', 'to', h('input', { name: 'to', type: 'datetime-local', value: toLocal(query.to) })),
    h('button', { type: 'submit' }, 'Apply'),
    h('button', { type: 'button', onclick: () => navigate('/console/events') }, 'Clear'));
  const help = h('small#events-search-help.muted',
    'Press / to search. An event id opens the event; so does a provider\'s event id (such as evt_123), or lists the events when several providers sent it; other text filters by subject. Newest first; new events appear at the top as they arrive.');
  const message = h('div');
  const tbody = h('tbody');
  const table = h('table.data', { 'aria-label': 'Events' },
    h('thead', h('tr', ['Received', 'Provider', 'Event type', 'Subject', 'Status', 'Delivery'].map(column => h('th', { scope: 'col' }, column)))),
    tbody);
  const empty = h('p.empty', 'No events match these filters yet. New ones will appear here as they arrive.');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  view.append(form, help, message, table, empty, h('div.load-more', more));

  const filters = filtersOf(query);
  const rows = new Map();
  let nextCursor = null;

  function show(event, { fresh = false, atTop = false } = {}) {
    const known = rows.get(event.id);
    if (known) {
      known.update(event);
      return;
    }
    const row = eventRow(event);
    rows.set(event.id, row);
    if (atTop) tbody.prepend(row.tr);
    else tbody.append(row.tr);
    if (fresh) row.tr.classList.add('fresh');
    empty.hidden = true;
    table.hidden = false;
  }

  async function loadPage(cursor) {
    const { data, meta } = await api.get('/api/v1/events', { ...filters, limit: PAGE_SIZE, cursor }, { signal });
    for (const event of data) show(event);
    nextCursor = meta?.nextCursor ?? null;
    more.hidden = !nextCursor;
    empty.hidden = rows.size > 0;
    table.hidden = rows.size === 0;
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    const text = values.q.trim();
    if (UUID.test(text)) {
      // An id: open that event if there is one; a subject never looks like a UUID filter anyway.
      try {
        await api.get(`/api/v1/events/${text}`, undefined, { signal });
        navigate(`/console/events/${text}`);
      } catch (error) {
        fill(message, errorBox(error.status === 404 ? { ...error, message: `No event has the id ${text}.` } : error));
      }
      return;
    }
    // Other text is first looked up as a provider's event id ("evt_123 failed"), when it is new: a list already showing
    // that id's events keeps showing them as the other filters change, and a subject search stays one.
    let externalEventId = text && text === query.q ? query.externalEventId : null;
    if (text && text !== query.q) {
      const matches = await findByProviderEventId(text, values.provider, signal);
      if (signal.aborted) return;
      if (matches.length === 1) {
        navigate(`/console/events/${matches[0].id}`);
        return;
      }
      if (matches.length > 1) externalEventId = text;
    }
    replaceQuery({
      q: text, externalEventId, provider: values.provider, status: values.status, eventType: values.eventType.trim(), subject: values.subject.trim(),
      from: fromLocalInput(values.from), to: fromLocalInput(values.to), view: null,
    });
    navigate(location.pathname + location.search, { replace: true });
  });
  // A choice in a list applies at once; typed text on Enter (the form's submit).
  for (const select of form.querySelectorAll('select, input[type="datetime-local"]')) {
    select.addEventListener('change', () => form.requestSubmit());
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    try { await loadPage(nextCursor); } catch (error) { if (error.name !== 'AbortError') fill(message, errorBox(error)); } finally { more.disabled = false; }
  });

  // The stream starts a little before the first page was read, so an event accepted in between is not missed (rows
  // are keyed by id: one already listed is only updated).
  const listedSince = new Date(Date.now() - 5000).toISOString();
  try {
    await loadPage(null);
  } catch (error) {
    if (error.name === 'AbortError') return;
    fill(message, errorBox(error));
  }
  if (filters.externalEventId) {
    // The events one provider event id names are all there already; the stream cannot filter by it.
    fill(message, h('p.muted', `Events whose provider event id is ${filters.externalEventId}, from each provider that sent one.`));
    liveState.textContent = 'Not live';
    liveState.className = 'live off';
    pauseButton.hidden = true;
    return;
  }

  // The live part: new events from the stream at the top; rows already shown re-read now and then for their status.
  let streamController = null;
  let pausedAt = null;
  function setState(state, error) {
    liveState.className = `live ${state === 'live' ? 'on' : state === 'paused' ? '' : 'off'}`;
    liveState.textContent = {
      live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', paused: 'Paused', stopped: 'Live updates stopped',
    }[state] ?? state;
    liveState.title = error ? `${error.message}${error.code ? ` (${error.code})` : ''}` : '';
  }
  function startStream(since) {
    streamController = new AbortController();
    const streamSignal = AbortSignal.any([signal, streamController.signal]);
    followEventStream({
      query: { provider: filters.provider, eventType: filters.eventType, subject: filters.subject, from: filters.from, to: filters.to, since },
      signal: streamSignal,
      onState: setState,
      onEvent: event => {
        // The stream has no status filter (an event's status changes after it arrives): apply it here.
        if (filters.status && event.status !== filters.status) return;
        show(event, { fresh: true, atTop: true });
      },
    });
  }
  pauseButton.addEventListener('click', () => {
    if (streamController) {
      streamController.abort();
      streamController = null;
      pausedAt = new Date().toISOString();
      pauseButton.textContent = 'Resume live';
      pauseButton.setAttribute('aria-pressed', 'true');
      setState('paused');
    } else {
      pauseButton.textContent = 'Pause live';
      pauseButton.setAttribute('aria-pressed', 'false');
      // Catch up on what arrived while paused: the stream starts at the events received since the pause.
      startStream(pausedAt);
    }
  });
  startStream(listedSince);

  const timer = setInterval(async () => {
    if (!streamController || document.hidden) return;
    try {
      const { data } = await api.get('/api/v1/events', { ...filters, limit: PAGE_SIZE }, { signal });
      for (const event of data) rows.get(event.id)?.update(event);
    } catch { /* the next tick tries again; the stream's indicator tells about the connection */ }
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

function filtersOf(query) {
  // A search that is not an id (nor a provider's event id several events have) filters by subject, unless a subject
  // filter is set as well.
  const externalEventId = query.externalEventId || undefined;
  const text = query.q && !UUID.test(query.q) && !externalEventId ? query.q : undefined;
  return {
    provider: query.provider, status: query.status, eventType: query.eventType, subject: query.subject || text,
    externalEventId, from: query.from, to: query.to,
  };
}

/** The events (at most two: enough to tell one from several) whose provider event id is the text, in the provider if one is chosen. */
async function findByProviderEventId(text, provider, signal) {
  try {
    const { data } = await api.get('/api/v1/events', { externalEventId: text, provider: provider || undefined, limit: 2 }, { signal });
    return data ?? [];
  } catch {
    // Text the filter refuses (too long for an id) is still a subject search; the list then says what is wrong.
    return [];
  }
}

function eventRow(event) {
  const statusCell = h('span');
  const deliveryCell = h('span');
  const href = `/console/events/${event.id}`;
  const tr = tableRow({
    href,
    dataset: { eventId: event.id },
    cells: [
      timeCell(event.receivedAt),
      event.provider,
      h('a', { href }, event.eventType),
      event.subject ? h('span.mono', event.subject) : h('span.muted', '—'),
      statusCell,
      deliveryCell,
    ],
  });
  function update(next) {
    fill(statusCell, badge(next.status));
    fill(deliveryCell, deliverySummary(next));
  }
  update(event);
  return { tr, update };
}

/** What the list knows of an event's delivery: its attempts so far and the last error, if any. */
function deliverySummary(event) {
  const attempts = event.processingAttempts ?? 0;
  const parts = [];
  const counted = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (event.status === 'processed') parts.push(h('span', attempts <= 1 ? 'Delivered' : `Delivered after ${counted}`));
  else if (event.status === 'failed') parts.push(h('span', attempts ? `Failed after ${counted}` : 'Failed'));
  else if (attempts > 0) parts.push(h('span', `${counted} so far`));
  else if (event.status === 'pending' || event.status === 'processing') parts.push(h('span.muted', 'Not attempted yet'));
  if (event.lastError && event.status !== 'processed') parts.push(h('div.cell-error', { title: event.lastError }, truncate(event.lastError, 90)));
  return parts;
}

// ---- Failed deliveries --------------------------------------------------------------------------------------------

async function renderFailedDeliveries(view, query, integrations, signal) {
  const providerOf = new Map(integrations.map(integration => [integration.id, integration.provider]));
  const form = h('form.filters', { 'aria-label': 'Filter failed deliveries' }, providerField(integrations, query.provider));
  form.querySelector('select').addEventListener('change', event => {
    replaceQuery({ provider: event.target.value });
    navigate(location.pathname + location.search, { replace: true });
  });
  const message = h('div');
  const tbody = h('tbody');
  const table = h('table.data', { 'aria-label': 'Failed deliveries' },
    h('thead', h('tr', ['Last failure', 'Provider', 'Destination', 'Event', 'Failed attempts', 'HTTP', 'Why it failed'].map(column => h('th', { scope: 'col' }, column)))),
    tbody);
  const empty = h('p.empty', 'No failed delivery attempts. Every delivery so far has succeeded or is still under way.');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  view.append(
    h('p.muted', 'Deliveries whose attempts failed, newest failure first, with the reason the destination gave (or why it could not be reached). Open one to see the event, every attempt, and replay it.'),
    form, message, table, empty, h('div.load-more', more));

  // The API lists failed attempts; the page shows one row per delivery (an event to one destination): its newest
  // failure, and how many failed attempts of it the pages read so far hold.
  const deliveries = new Map();
  const destinations = new Map();
  let nextCursor = null;
  async function destinationUrl(id) {
    if (!id) return null;
    if (!destinations.has(id)) {
      destinations.set(id, api.get(`/api/v1/destinations/${id}`, undefined, { signal }).then(result => result.data.url, () => null));
    }
    return destinations.get(id);
  }
  async function loadPage(cursor) {
    const { data, meta } = await api.get('/api/v1/deliveries', { status: 'failed', provider: query.provider, limit: PAGE_SIZE, cursor }, { signal });
    for (const attempt of data) {
      const key = attempt.deliveryId ?? `${attempt.normalizedEventId}/${attempt.destinationId ?? ''}`;
      const known = deliveries.get(key);
      if (known) {
        known.count++;
        fill(known.countCell, String(known.count));
        continue;
      }
      const href = `/console/events/${attempt.normalizedEventId}`;
      const countCell = h('span', '1');
      const destinationCell = h('span.muted', attempt.destinationId ? '…' : '—');
      deliveries.set(key, { count: 1, countCell });
      tbody.append(tableRow({
        href,
        dataset: { eventId: attempt.normalizedEventId },
        cells: [
          timeCell(attempt.createdAt),
          providerOf.get(attempt.integrationId) ?? h('span.muted', '—'),
          destinationCell,
          h('a.mono.small-id', { href, 'aria-label': `Open event ${attempt.normalizedEventId}` }, attempt.normalizedEventId),
          countCell,
          attempt.httpStatus ?? h('span.muted', '—'),
          h('div.cell-error', { title: attempt.errorMessage ?? '' }, truncate(attempt.errorMessage ?? (attempt.httpStatus ? `HTTP ${attempt.httpStatus}` : 'Failed'), 140)),
        ],
      }));
      destinationUrl(attempt.destinationId).then(url => {
        if (url) fill(destinationCell, h('code', url));
        else if (attempt.destinationId) fill(destinationCell, h('code', attempt.destinationId));
      });
    }
    nextCursor = meta?.nextCursor ?? null;
    more.hidden = !nextCursor;
    const count = tbody.childElementCount;
    empty.hidden = count > 0;
    table.hidden = count === 0;
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    try { await loadPage(nextCursor); } catch (error) { if (error.name !== 'AbortError') fill(message, errorBox(error)); } finally { more.disabled = false; }
  });
  try {
    await loadPage(null);
  } catch (error) {
    if (error.name === 'AbortError') return;
    fill(message, errorBox(error));
  }
}

// ---- helpers ------------------------------------------------------------------------------------------------------

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** An ISO time as the value of a datetime-local input (the browser's local time). */
function toLocalInput(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
