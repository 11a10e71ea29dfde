// The dashboard: webhooks accepted, delivered and failed per minute, and delivery latency (p50/p95) per minute, over
// a window the operator picks, optionally for one integration; refreshed every 10 s while open. The charts are SVG
// built with DOM calls (no library, no inline styles: the CSP forbids them; colours come from console.css classes).
import { api } from '../api.js';
import { h, fill, errorBox, formatMs, currentQuery, replaceQuery } from '../ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const REFRESH_MS = 10_000;
const WINDOWS = [
  { minutes: 15, label: '15 min' },
  { minutes: 60, label: '1 hour' },
  { minutes: 360, label: '6 hours' },
  { minutes: 1440, label: '24 hours' },
];
// More buckets than this are merged, so a bar stays wide enough to see and to hover.
const MAX_BARS = 120;
const ACTIVITY_SERIES = [
  { key: 'accepted', label: 'Accepted', className: 's-accepted', color: '#1f5fa8' },
  { key: 'delivered', label: 'Delivered', className: 's-delivered', color: '#1d7a46' },
  { key: 'failedAttempts', label: 'Failed attempts', className: 's-failed', color: '#b42318' },
];
const LATENCY_SERIES = [
  { key: 'latencyP50Ms', label: 'p50', className: 's-p50', color: '#2457c5' },
  { key: 'latencyP95Ms', label: 'p95', className: 's-p95', color: '#8a5a00' },
];

export default async function render(view, params, signal) {
  const query = currentQuery();
  let minutes = WINDOWS.some(window => String(window.minutes) === query.minutes) ? Number(query.minutes) : 60;
  let integrationId = query.integrationId ?? '';

  const windowButtons = h('div.segmented', { role: 'group', 'aria-label': 'Time window' },
    WINDOWS.map(window => h('button', {
      type: 'button', 'aria-pressed': String(window.minutes === minutes), dataset: { minutes: window.minutes },
      onclick: () => {
        minutes = window.minutes;
        for (const button of windowButtons.children) button.setAttribute('aria-pressed', String(button.dataset.minutes === String(minutes)));
        load();
      },
    }, window.label)));
  const integrationSelect = h('select', { 'aria-label': 'Integration', onchange: () => { integrationId = integrationSelect.value; load(); } },
    h('option', { value: '' }, 'All integrations'));
  const updated = h('span.muted.updated', { 'aria-live': 'off' });
  const totals = h('div.totals');
  const activity = h('div.chart-box');
  const latency = h('div.chart-box');
  const problem = h('div');
  fill(view,
    h('div.page-head', h('h1', 'Dashboard'),
      h('div.actions', integrationSelect, windowButtons)),
    problem,
    totals,
    h('section.panel', { 'aria-labelledby': 'activity-title' },
      h('header.panel-head', h('h2', { id: 'activity-title' }, 'Webhooks per minute'), updated),
      activity,
      legend(ACTIVITY_SERIES)),
    h('section.panel', { 'aria-labelledby': 'latency-title' },
      h('header.panel-head', h('h2', { id: 'latency-title' }, 'Delivery latency per minute')),
      latency,
      legend(LATENCY_SERIES)));

  api.get('/api/v1/integrations', {}, { signal }).then(({ data }) => {
    integrationSelect.append(...data.map(item => h('option', { value: item.id, selected: item.id === integrationId }, `${item.provider} — ${item.name}`)));
    integrationSelect.value = integrationId;
  }).catch(() => {});

  // A change while a read is under way is read right after it, not dropped.
  let loading = false;
  let loadAgain = false;
  async function load() {
    if (loading) {
      loadAgain = true;
      return;
    }
    loading = true;
    replaceQuery({ minutes: minutes === 60 ? '' : minutes, integrationId });
    try {
      const { data } = await api.get('/api/v1/stats/activity', { minutes, integrationId: integrationId || undefined }, { signal });
      fill(problem);
      draw(data);
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (error.name === 'AbortError') return;
      fill(problem, errorBox(error.status === 404 && error.code !== 'NOT_FOUND'
        ? { ...error, message: 'This Relay does not serve activity statistics (GET /api/v1/stats/activity).' }
        : error));
    } finally {
      loading = false;
      if (loadAgain && !signal.aborted) {
        loadAgain = false;
        load();
      }
    }
  }

  function draw(stats) {
    const buckets = merge(stats.buckets ?? [], stats.bucketSeconds ?? 60);
    const t = stats.totals ?? {};
    const delivered = buckets.filter(bucket => bucket.latencyP95Ms !== null && bucket.latencyP95Ms !== undefined);
    const worstP95 = delivered.length ? Math.max(...delivered.map(bucket => bucket.latencyP95Ms)) : null;
    fill(totals,
      total('Accepted', t.accepted, 'accepted'),
      total('Delivered', t.delivered, 'delivered'),
      total('Failed attempts', t.failedAttempts, 'failed'),
      total('Gave up (exhausted)', t.exhausted, 'exhausted'),
      total('Worst p95 latency', worstP95 === null ? '—' : formatMs(worstP95), 'p95'));
    const span = buckets.bucketSeconds;
    fill(activity, barChart(buckets, ACTIVITY_SERIES, {
      label: `Webhooks accepted, delivered and failed per ${span === 60 ? 'minute' : `${span / 60} minutes`}`,
      format: value => String(Math.round(value)),
    }));
    fill(latency, lineChart(buckets, LATENCY_SERIES, {
      label: 'Delivery latency p50 and p95',
      format: value => formatMs(value),
    }));
  }

  await load();
  const timer = setInterval(load, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

function total(label, value, name) {
  return h('div.total', { dataset: { total: name } }, h('div.stat', typeof value === 'number' ? value.toLocaleString() : String(value ?? '0')), h('div.muted', label));
}

function legend(series) {
  return h('div.legend', series.map(item => h(`span.${item.className}`, item.label)));
}

/** Buckets merged in groups when there are too many to draw: counts add up; latency takes the group's worst. */
function merge(buckets, bucketSeconds) {
  const size = Math.max(1, Math.ceil(buckets.length / MAX_BARS));
  const merged = [];
  for (let index = 0; index < buckets.length; index += size) {
    const group = buckets.slice(index, index + size);
    const worst = key => {
      const values = group.map(bucket => bucket[key]).filter(value => value !== null && value !== undefined);
      return values.length ? Math.max(...values) : null;
    };
    merged.push({
      start: group[0].start,
      accepted: sum(group, 'accepted'),
      delivered: sum(group, 'delivered'),
      failedAttempts: sum(group, 'failedAttempts'),
      exhausted: sum(group, 'exhausted'),
      latencyP50Ms: worst('latencyP50Ms'),
      latencyP95Ms: worst('latencyP95Ms'),
    });
  }
  merged.bucketSeconds = bucketSeconds * size;
  return merged;
}

function sum(group, key) {
  return group.reduce((total, bucket) => total + (bucket[key] ?? 0), 0);
}

// ---- SVG drawing ----

const WIDTH = 1200;
const HEIGHT = 240;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A maximum a little above the data's, on a round number, so the axis reads 0, ¼, ½, ¾, max. */
function niceMax(value) {
  if (!(value > 0)) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.25, 2, 2.5, 4, 5, 8, 10].find(candidate => candidate * magnitude >= value);
  return step * magnitude;
}

function timeLabel(value, withDate) {
  const date = new Date(value);
  return withDate
    ? date.toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The frame every chart shares: y grid with labels, x labels every few buckets; returns the svg and the scales. */
function frame(buckets, max, { label, format }) {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, buckets.length);
  const y = value => PAD.top + plotHeight - (value / max) * plotHeight;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label },
    svg('title', {}, label));
  for (let tick = 0; tick <= 4; tick++) {
    const value = (max / 4) * tick;
    chart.append(
      svg('line', { class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), stroke: '#dde2ea', 'stroke-width': 1 }),
      svg('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end', fill: '#5e6a7d', 'font-size': 11 }, format(value)));
  }
  const spansDays = buckets.length > 1 && new Date(buckets.at(-1).start) - new Date(buckets[0].start) > 12 * 3600_000;
  const every = Math.max(1, Math.ceil(buckets.length / 10));
  buckets.forEach((bucket, index) => {
    if (index % every) return;
    chart.append(svg('text', { x: PAD.left + slot * index + slot / 2, y: HEIGHT - 8, 'text-anchor': 'middle', fill: '#5e6a7d', 'font-size': 11 },
      timeLabel(bucket.start, spansDays)));
  });
  chart.append(svg('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0), stroke: '#5e6a7d', 'stroke-width': 1 }));
  return { chart, slot, y };
}

/** Grouped bars: one slot per bucket, one bar per series in it, each with its hover title. */
function barChart(buckets, series, options) {
  const max = niceMax(Math.max(0, ...buckets.flatMap(bucket => series.map(item => bucket[item.key] ?? 0))));
  const { chart, slot, y } = frame(buckets, max, options);
  const barWidth = Math.max(1, (slot * 0.8) / series.length);
  const bars = svg('g', { class: 'bars' });
  buckets.forEach((bucket, index) => {
    series.forEach((item, position) => {
      const value = bucket[item.key] ?? 0;
      if (!value) return;
      const x = PAD.left + slot * index + slot * 0.1 + barWidth * position;
      bars.append(svg('rect', {
        class: `bar ${item.className}`, x: x.toFixed(1), y: y(value).toFixed(1), width: barWidth.toFixed(1),
        height: Math.max(1, y(0) - y(value)).toFixed(1), fill: item.color, 'data-series': item.key,
      }, svg('title', {}, `${timeLabel(bucket.start, true)} — ${item.label}: ${value}`)));
    });
  });
  chart.append(bars);
  return chart;
}

/** Lines with a point per bucket that has a value (a minute without deliveries has no latency: the line breaks). */
function lineChart(buckets, series, options) {
  const max = niceMax(Math.max(0, ...buckets.flatMap(bucket => series.map(item => bucket[item.key] ?? 0))));
  const { chart, slot, y } = frame(buckets, max, options);
  for (const item of series) {
    const group = svg('g', { class: `line ${item.className}` });
    let path = '';
    let drawing = false;
    buckets.forEach((bucket, index) => {
      const value = bucket[item.key];
      if (value === null || value === undefined) {
        drawing = false;
        return;
      }
      const x = PAD.left + slot * index + slot / 2;
      path += `${drawing ? 'L' : 'M'}${x.toFixed(1)},${y(value).toFixed(1)} `;
      drawing = true;
      group.append(svg('circle', { class: 'point', cx: x.toFixed(1), cy: y(value).toFixed(1), r: 3, fill: item.color, 'data-series': item.key },
        svg('title', {}, `${timeLabel(bucket.start, true)} — ${item.label}: ${formatMs(value)}`)));
    });
    if (path) group.prepend(svg('path', { d: path.trim(), fill: 'none', stroke: item.color, 'stroke-width': 2 }));
    chart.append(group);
  }
  return chart;
}
