// One bulk replay as it runs: progress, counts, rate, what became of the replayed events' deliveries; refreshed every
// second and a half until the job has ended and its deliveries have settled. Cancel stops a queued or running job.
import { api } from '../api.js';
import { h, fill, badge, timeCell, formatTime, errorBox, act, confirmDialog, keyValues, jsonBlock } from '../ui.js';
import { progressBar, filterSummary, providersById } from './replays.js';

const REFRESH_MS = 1500;
const RUNNING = ['queued', 'running'];

export default async function render(view, params, signal) {
  const head = h('div.page-head');
  const body = h('div');
  const problem = h('div');
  fill(view, h('p.crumbs', h('a', { href: '/console/replays' }, '← Replays')), head, problem, body);

  let job = (await api.get(`/api/v1/replays/bulk/${params.id}`, {}, { signal })).data;
  const providers = await providersById(signal);

  function draw() {
    const running = RUNNING.includes(job.status);
    fill(head,
      h('h1', 'Bulk replay'),
      h('span', { 'data-status': job.status }, badge(job.status)),
      h('div.actions', running
        ? h('button.danger', { type: 'button', 'data-scope': 'replay', onclick: event => cancel(event.currentTarget) }, 'Cancel')
        : null));
    const outcome = job.outcome ?? { delivered: 0, failed: 0, inFlight: 0 };
    fill(body,
      h('section.panel', { 'aria-labelledby': 'progress-title' },
        h('header.panel-head', h('h2', { id: 'progress-title' }, 'Progress'), h('span.muted', `${Math.round(job.percent ?? 0)}%`)),
        progressBar(job.percent, 'Bulk replay progress'),
        h('div.stats',
          stat('Matched', job.total),
          stat('Replayed', job.replayed),
          stat('Skipped', job.skipped, 'No longer matching when the job reached them'),
          stat('Rate', `${achievedRate(job) ?? '—'} / ${job.eventsPerSecond}`, 'Events per second achieved / allowed'),
          stat('Time left', job.estimatedSecondsRemaining === null || job.estimatedSecondsRemaining === undefined ? '—' : `${Math.ceil(job.estimatedSecondsRemaining)} s`)),
        job.error ? errorBox({ message: job.error, code: 'BULK_REPLAY_FAILED' }) : null),
      h('div.grid-2',
        h('section.panel', { 'aria-labelledby': 'outcome-title' },
          h('header.panel-head', h('h2', { id: 'outcome-title' }, 'Deliveries of the replayed events')),
          h('div.stats',
            stat('Delivered', outcome.delivered),
            stat('Failed', outcome.failed),
            stat('In flight', outcome.inFlight)),
          job.status === 'completed' && outcome.inFlight > 0 ? h('p.muted', 'Every event is replayed; some deliveries are still running.') : null),
        h('section.panel', { 'aria-labelledby': 'job-title' },
          h('header.panel-head', h('h2', { id: 'job-title' }, 'Job')),
          keyValues([
            ['Reason', job.reason],
            ['Requested by', job.requestedBy],
            ['Filter', filterSummary(job.filter, providers)],
            ['Events received up to', formatTime(job.cutoffAt)],
            ['Created', timeCell(job.createdAt)],
            ['Started', timeCell(job.startedAt)],
            ['Finished', timeCell(job.finishedAt)],
            job.cancelledBy ? ['Cancelled by', job.cancelledBy] : null,
            ['Job id', h('code', job.id)],
          ]),
          h('details', h('summary', 'Filter as stored'), jsonBlock(job.filter)))));
  }

  async function cancel(button) {
    if (!await confirmDialog('Cancel this bulk replay?', 'Events already replayed stay replayed; the rest are not.', 'Cancel bulk replay')) return;
    const result = await act(button, () => api.post(`/api/v1/replays/bulk/${job.id}/cancel`, {}), 'Bulk replay cancelled');
    if (result) {
      job = result.data;
      draw();
    }
  }

  draw();
  // Follow it until it has ended and its deliveries settled (or the operator leaves the page).
  while (!signal.aborted && (RUNNING.includes(job.status) || (job.outcome?.inFlight ?? 0) > 0)) {
    await new Promise(resolve => setTimeout(resolve, REFRESH_MS));
    if (signal.aborted) return;
    try {
      job = (await api.get(`/api/v1/replays/bulk/${job.id}`, {}, { signal })).data;
      fill(problem);
      draw();
    } catch (error) {
      if (error.name === 'AbortError') return;
      fill(problem, errorBox(error));
    }
  }
}

function stat(label, value, title) {
  return h('div.stat-box', { title }, h('div.stat', String(value ?? '—')), h('div.muted', label));
}

/** Events per second achieved so far (replayed over the time since it started). */
function achievedRate(job) {
  if (!job.startedAt || !job.replayed) return null;
  const end = job.finishedAt ? new Date(job.finishedAt) : new Date();
  const seconds = (end - new Date(job.startedAt)) / 1000;
  return seconds > 0 ? (job.replayed / seconds).toFixed(1) : null;
}
