// Replays: the replays of single events and the bulk replays, newest first; and a new bulk replay, which first counts
// what its filter matches (a dry run) and only then starts.
import { api } from '../api.js';
import { h, fill, badge, timeCell, errorBox, dataTable, tableRow, navigate, currentQuery } from '../ui.js';
import { showFailure, isoFromLocalInput, shortId } from './integration-shared.js';

const PAGE_SIZE = 20;
const EVENT_STATUSES = ['failed', 'retrying', 'processed', 'processing', 'pending'];

export default async function render(view, params, signal) {
  const query = currentQuery();
  const form = h('div');
  const bulkList = h('div', h('p.muted', 'Loading…'));
  const singleList = h('div', h('p.muted', 'Loading…'));
  const newButton = h('button.primary', { type: 'button', 'data-scope': 'replay', 'aria-expanded': 'false', onclick: () => toggleForm() }, 'New bulk replay');
  fill(view,
    h('div.page-head', h('h1', 'Replays'), h('div.actions', newButton)),
    h('p.muted', 'A replay delivers a stored event again to its destinations. Replay one event from its page; replay many at once here.'),
    form,
    h('section.panel', { 'aria-labelledby': 'bulk-title' }, h('header.panel-head', h('h2', { id: 'bulk-title' }, 'Bulk replays')), bulkList),
    h('section.panel', { 'aria-labelledby': 'single-title' }, h('header.panel-head', h('h2', { id: 'single-title' }, 'Replays of single events')), singleList));

  async function toggleForm(open = !form.hasChildNodes()) {
    newButton.setAttribute('aria-expanded', String(open));
    if (!open) {
      fill(form);
      return;
    }
    fill(form, await bulkReplayForm({ integrationId: query.integrationId, signal, onClose: () => toggleForm(false) }));
    form.querySelector('select, input')?.focus();
  }

  if (query.new === '1' || query.integrationId) toggleForm(true);
  const providers = await providersById(signal);
  await Promise.all([
    pagedList(bulkList, '/api/v1/replays/bulk', signal, ['Created', 'Status', 'Progress', 'Filter', 'Requested by', 'Reason'], job => ({
      href: `/console/replays/bulk/${job.id}`,
      cells: [
        timeCell(job.createdAt),
        badge(job.status),
        h('span.progress-cell', progressBar(job.percent, `Progress of bulk replay ${job.id}`), ` ${job.replayed} / ${job.total}`),
        filterSummary(job.filter, providers),
        job.requestedBy,
        h('a', { href: `/console/replays/bulk/${job.id}` }, job.reason),
      ],
    }), 'No bulk replays yet.', 'Bulk replays'),
    pagedList(singleList, '/api/v1/replays', signal, ['Requested', 'Event', 'Status', 'Requested by', 'Reason', 'Why it failed', 'Processed'], replay => ({
      href: `/console/events/${replay.eventId}`,
      cells: [
        timeCell(replay.createdAt),
        h('a', { href: `/console/events/${replay.eventId}` }, shortId(replay.eventId)),
        badge(replay.status),
        replay.requestedBy,
        replay.reason,
        replay.failureReason ? h('span.error-text', replay.failureReason) : '',
        timeCell(replay.processedAt),
      ],
    }), 'No single-event replays yet.', 'Replays of single events'),
  ]);
}

/** A list read page by page (limit/cursor) with a "Load more" button. */
async function pagedList(container, path, signal, columns, toRow, empty, label) {
  let cursor = null;
  let table = null;
  const more = h('button', { type: 'button', onclick: () => load() }, 'Load more');
  async function load() {
    more.disabled = true;
    try {
      const { data, meta } = await api.get(path, { limit: PAGE_SIZE, cursor }, { signal });
      if (!table) {
        table = dataTable(columns, data.map(toRow), { empty, label });
        fill(container, table);
      } else {
        table.querySelector('tbody').append(...data.map(item => tableRow(toRow(item))));
      }
      cursor = meta?.nextCursor ?? null;
      if (cursor) container.append(more);
      else more.remove();
    } catch (error) {
      if (error.name !== 'AbortError') container.append(errorBox(error));
    } finally {
      more.disabled = false;
    }
  }
  await load();
}

export function progressBar(percent, label) {
  const value = Math.max(0, Math.min(100, Math.round(percent ?? 0)));
  const bar = h('span');
  bar.style.width = `${value}%`;
  return h('div.progress', { role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value }, bar);
}

/** A bulk replay's filter in a line; an integration id is shown as its provider (linked) when it is known. */
export function filterSummary(filter, providers = new Map()) {
  const entries = Object.entries(filter ?? {}).filter(([, value]) => value !== null && value !== '');
  if (!entries.length) return h('span.muted', 'every event');
  return h('span.filter-summary', entries.map(([name, value]) => name === 'integrationId' && providers.has(value)
    ? h('a', { href: `/console/integrations/${value}` }, h('code.tag', `integration=${providers.get(value)}`))
    : h('code.tag', `${name}=${value}`)));
}

/** Provider names by integration id, to name the integration a filter holds (empty when they cannot be read). */
export async function providersById(signal) {
  try {
    const { data } = await api.get('/api/v1/integrations', {}, { signal });
    return new Map(data.map(integration => [integration.id, integration.provider]));
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    return new Map();
  }
}

/** The new bulk replay form: filter, dry run (how many match), then start (with a reason) → the job's page. */
async function bulkReplayForm({ integrationId, signal, onClose }) {
  let integrations = [];
  try {
    integrations = (await api.get('/api/v1/integrations', {}, { signal })).data;
  } catch (error) {
    if (error.name === 'AbortError') throw error;
  }
  const field = (label, control, help) => h('label.field', h('span', label), control, help ? h('small.muted', help) : null);
  const integration = h('select', { name: 'integrationId' },
    h('option', { value: '' }, 'Every integration'),
    integrations.map(item => h('option', { value: item.id, selected: item.id === integrationId }, `${item.provider} — ${item.name}`)));
  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'Any status'), EVENT_STATUSES.map(value => h('option', { value }, value)));
  const eventType = h('input', { name: 'eventType', placeholder: 'e.g. order.created' });
  const receivedFrom = h('input', { name: 'receivedFrom', type: 'datetime-local' });
  const receivedTo = h('input', { name: 'receivedTo', type: 'datetime-local' });
  const rate = h('input', { name: 'eventsPerSecond', type: 'number', min: 1, placeholder: 'default' });
  const reason = h('input', { name: 'reason', placeholder: 'Why (5-500 characters), for the audit trail' });
  const preview = h('div.preview', { role: 'status', 'aria-live': 'polite' });
  const dryRunButton = h('button', { type: 'submit', 'data-scope': 'replay' }, 'Dry run');
  const startButton = h('button.primary', { type: 'button', 'data-scope': 'replay', disabled: true }, 'Start bulk replay');

  let counted = null; // the filter the last dry run counted, as sent
  const filterOf = () => {
    const filter = {};
    if (integration.value) filter.integrationId = integration.value;
    if (status.value) filter.status = status.value;
    if (eventType.value.trim()) filter.eventType = eventType.value.trim();
    const from = isoFromLocalInput(receivedFrom.value);
    const to = isoFromLocalInput(receivedTo.value);
    if (from) filter.receivedFrom = from;
    if (to) filter.receivedTo = to;
    return filter;
  };
  const rateOf = () => (rate.value ? Number(rate.value) : undefined);

  const form = h('form.panel.bulk-form', { 'aria-labelledby': 'bulk-form-title' },
    h('header.panel-head', h('h2', { id: 'bulk-form-title' }, 'New bulk replay'),
      h('div.actions', h('button.link', { type: 'button', onclick: onClose }, 'Close'))),
    h('div.form-grid',
      field('Integration', integration),
      field('Event status', status),
      field('Event type', eventType),
      field('Received from', receivedFrom),
      field('Received to', receivedTo),
      field('Events per second', rate)),
    field('Reason', reason),
    preview,
    h('div.actions-row', dryRunButton, startButton));

  // Any change of the filter invalidates the count: the operator starts what they counted, nothing else.
  form.addEventListener('input', event => {
    if (event.target === reason) return;
    counted = null;
    startButton.disabled = true;
  });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    dryRunButton.disabled = true;
    fill(preview, h('p.muted', 'Counting…'));
    try {
      const filter = filterOf();
      const { data } = await api.post('/api/v1/replays/bulk', { filter, dryRun: true, eventsPerSecond: rateOf() });
      counted = filter;
      fill(preview, h('p.preview-count',
        h('strong', { 'data-matching': data.matching }, `${data.matching} event${data.matching === 1 ? '' : 's'} would be replayed`),
        h('span.muted', ` (received up to now), about ${Math.ceil(data.estimatedSeconds)} s at ${data.eventsPerSecond} events/s.`)));
      startButton.disabled = data.matching === 0;
    } catch (error) {
      fill(preview, errorBox(error));
    } finally {
      dryRunButton.disabled = false;
    }
  });

  startButton.addEventListener('click', async () => {
    if (!counted) return;
    startButton.disabled = true;
    try {
      const { data } = await api.post('/api/v1/replays/bulk', {
        filter: counted, eventsPerSecond: rateOf(), reason: reason.value.trim(),
      });
      navigate(`/console/replays/bulk/${data.id}`);
    } catch (error) {
      startButton.disabled = false;
      if (error.code === 'VALIDATION_ERROR') fill(preview, errorBox(error));
      else await showFailure('The bulk replay did not start', error);
    }
  });
  return form;
}
