// Small DOM helpers shared by the pages: element building, formatting, status badges, toasts, dialogs and the
// keyboard navigation of lists. No framework: the console is plain ES modules the gateway serves as they are.

/** h('a#id.button', { href, onclick }, 'text', child) — a tag with optional #id, .classes, attributes/handlers and children. */
export function h(tag, attributes, ...children) {
  const [nameAndId, ...classes] = tag.split('.');
  const [name, id] = nameAndId.split('#');
  const element = document.createElement(name || 'div');
  if (id) element.id = id;
  if (classes.length) element.className = classes.join(' ');
  if (attributes && (typeof attributes !== 'object' || attributes instanceof Node || Array.isArray(attributes))) {
    children.unshift(attributes);
    attributes = null;
  }
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'class') element.className = [element.className, value].filter(Boolean).join(' ');
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function formatTime(value) {
  if (!value) return '—';
  const date = new Date(value);
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function relativeTime(value) {
  if (!value) return '—';
  const seconds = Math.round((Date.now() - new Date(value).getTime()) / 1000);
  const future = seconds < 0;
  const span = Math.abs(seconds);
  const text = span < 5 ? 'just now'
    : span < 60 ? `${span}s`
    : span < 3600 ? `${Math.floor(span / 60)}m`
    : span < 86400 ? `${Math.floor(span / 3600)}h`
    : `${Math.floor(span / 86400)}d`;
  return text === 'just now' ? text : future ? `in ${text}` : `${text} ago`;
}

/** A time shown relative, with the exact time on hover. */
export function timeCell(value) {
  return h('time', { datetime: value ?? '', title: formatTime(value) }, relativeTime(value));
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

const STATUS_TONES = {
  succeeded: 'ok', delivered: 'ok', completed: 'ok', active: 'ok', enabled: 'ok', healthy: 'ok',
  failed: 'bad', dead: 'bad', exhausted: 'bad', disabled: 'bad', cancelled: 'muted', revoked: 'muted',
  retrying: 'warn', paused: 'warn', pending: 'info', processing: 'info', running: 'info', queued: 'info', received: 'info',
};

/** A status as a coloured badge; the word is always written, colour only helps. */
export function badge(status) {
  const text = String(status ?? 'unknown');
  return h(`span.badge.${STATUS_TONES[text.toLowerCase()] ?? 'muted'}`, text);
}

export function jsonBlock(value) {
  return h('pre.json', typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

export function copyButton(text, label = 'Copy') {
  return h('button.small', {
    type: 'button',
    title: 'Copy to the clipboard',
    onclick: async event => {
      await navigator.clipboard?.writeText(text).catch(() => {});
      event.currentTarget.textContent = 'Copied';
    },
  }, label);
}

/** An error from the API as the operator needs it: what, the code, and the request id to find it in the logs. */
export function errorBox(error) {
  return h('div.error-box', { role: 'alert' },
    h('strong', error.message ?? String(error)),
    error.code ? h('span.code', ` ${error.code}`) : null,
    error.details ? h('pre.json', JSON.stringify(error.details, null, 2)) : null,
    error.requestId ? h('div.muted', 'Request id ', h('code', error.requestId)) : null);
}

export function toast(message, tone = 'info') {
  const container = document.querySelector('.toasts');
  const item = h(`div.toast.${tone}`, message);
  container.append(item);
  setTimeout(() => item.remove(), tone === 'bad' ? 8000 : 4000);
}

/** Runs an action from a button: disables it meanwhile, toasts the outcome, returns the result (or null on error). */
export async function act(button, action, success) {
  button.disabled = true;
  try {
    const result = await action();
    if (success) toast(typeof success === 'function' ? success(result) : success, 'ok');
    return result;
  } catch (error) {
    toast(`${error.message}${error.code ? ` (${error.code})` : ''}${error.requestId ? ` — request ${error.requestId}` : ''}`, 'bad');
    return null;
  } finally {
    button.disabled = false;
  }
}

/**
 * A modal dialog with a form; resolves with the form's values when submitted, null when cancelled (Esc).
 * fields: [{ name, label, type?, value?, options?, required?, help? }]
 */
export function formDialog({ title, fields = [], submitLabel = 'Save', description }) {
  return new Promise(resolve => {
    const form = h('form', { method: 'dialog' },
      h('h2', title),
      description ? h('p.muted', description) : null,
      fields.map(field => h('label.field', h('span', field.label),
        field.options
          ? h('select', { name: field.name }, field.options.map(option => h('option', { value: option.value ?? option, selected: (option.value ?? option) === field.value }, option.label ?? option)))
          : field.type === 'textarea'
            ? h('textarea', { name: field.name, rows: 6, required: field.required }, field.value ?? '')
            : h('input', { name: field.name, type: field.type ?? 'text', value: field.value ?? '', required: field.required, placeholder: field.placeholder ?? '' }),
        field.help ? h('small.muted', field.help) : null)),
      h('div.actions',
        h('button', { type: 'button', value: 'cancel', onclick: () => dialog.close('cancel') }, 'Cancel'),
        h('button.primary', { type: 'submit', value: 'ok' }, submitLabel)));
    const dialog = h('dialog', form);
    dialog.addEventListener('close', () => {
      const values = dialog.returnValue === 'ok' ? Object.fromEntries(new FormData(form)) : null;
      dialog.remove();
      resolve(values);
    });
    form.addEventListener('submit', event => {
      event.preventDefault();
      dialog.close('ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('input, select, textarea, button.primary')?.focus();
  });
}

export async function confirmDialog(title, description, confirmLabel = 'Confirm') {
  return (await formDialog({ title, description, submitLabel: confirmLabel })) !== null;
}

/**
 * A table whose rows the keyboard walks: j/k (or arrows) move, Enter opens the row's link. Rows are
 * { cells: [...], href?, dataset? }; columns are header labels.
 */
export function dataTable(columns, rows, { empty = 'Nothing here yet.', label } = {}) {
  if (!rows.length) return h('p.empty', empty);
  return h('table.data', { 'aria-label': label },
    h('thead', h('tr', columns.map(column => h('th', { scope: 'col' }, column)))),
    h('tbody', rows.map(row => tableRow(row))));
}

export function tableRow(row) {
  const tr = h('tr', { tabindex: 0, 'data-row': true, dataset: row.dataset }, row.cells.map(cell => h('td', cell)));
  if (row.href) {
    tr.classList.add('link-row');
    tr.addEventListener('click', event => {
      if (event.target.closest('a, button, input, select')) return;
      navigate(row.href);
    });
    tr.addEventListener('keydown', event => {
      if (event.key === 'Enter' && event.target === tr) navigate(row.href);
    });
  }
  return tr;
}

/** Moves the focus between the rows of the page's lists (j/k, arrows); the app's key handler calls it. */
export function moveRowFocus(step) {
  const rows = [...document.querySelectorAll('#view [data-row]')];
  if (!rows.length) return false;
  const index = rows.indexOf(document.activeElement);
  const next = rows[Math.min(rows.length - 1, Math.max(0, index < 0 ? 0 : index + step))];
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
  return true;
}

/** Client-side navigation within the console (pages are /console/...; links are intercepted by app.js). */
export function navigate(href, { replace = false } = {}) {
  const url = new URL(href, location.href);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event('relay:navigate'));
}

/** The query of the current console URL as an object, and a way to change it without a history entry per keystroke. */
export function currentQuery() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

export function replaceQuery(values) {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  history.replaceState(null, '', url);
}

/** A section with a heading and optional actions on its right. */
export function section(title, actions, ...content) {
  return h('section.panel', h('header.panel-head', h('h2', title), h('div.actions', actions)), content);
}

export function keyValues(pairs) {
  return h('dl.kv', pairs.filter(Boolean).flatMap(([key, value]) => [h('dt', key), h('dd', value ?? '—')]));
}

// ---- Events pages (events.js, event.js) ----
// An event's and a delivery's own words: processed is delivered everywhere; held waits for a paused destination.
Object.assign(STATUS_TONES, { processed: 'ok', success: 'ok', held: 'warn' });
