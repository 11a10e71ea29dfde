// The console's shell: signs in, routes /console/... paths to page modules, and owns the keyboard shortcuts.
// A page module exports default render(view, params, signal): it fills `view`, and stops its timers and streams
// when `signal` aborts (the operator went to another page).
import { api, session } from './api.js';
import { h, fill, errorBox, moveRowFocus, navigate } from './ui.js';

const routes = [
  { pattern: /^\/console\/?$/, redirect: '/console/events' },
  { pattern: /^\/console\/login$/, page: 'login', public: true, title: 'Sign in' },
  { pattern: /^\/console\/events$/, page: 'events', nav: 'events', title: 'Events' },
  { pattern: /^\/console\/events\/(?<id>[^/]+)$/, page: 'event', nav: 'events', title: 'Event' },
  { pattern: /^\/console\/integrations$/, page: 'integrations', nav: 'integrations', title: 'Integrations' },
  { pattern: /^\/console\/integrations\/(?<id>[^/]+)$/, page: 'integration', nav: 'integrations', title: 'Integration' },
  { pattern: /^\/console\/replays$/, page: 'replays', nav: 'replays', title: 'Replays' },
  { pattern: /^\/console\/replays\/bulk\/(?<id>[^/]+)$/, page: 'bulk-replay', nav: 'replays', title: 'Bulk replay' },
  { pattern: /^\/console\/dashboard$/, page: 'dashboard', nav: 'dashboard', title: 'Dashboard' },
];

export const shortcuts = [
  ['g e', 'Events'],
  ['g i', 'Integrations and destinations'],
  ['g r', 'Replays'],
  ['g d', 'Dashboard'],
  ['/', 'Search or filter the list'],
  ['j / k', 'Next / previous row'],
  ['Enter', 'Open the row'],
  ['Esc', 'Close a dialog, leave a field'],
  ['?', 'This help'],
];

const view = document.getElementById('view');
const topbar = document.querySelector('.topbar');
let current = null;

async function render() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const path = location.pathname.replace(/\/+$/, '') || '/console';
  const route = routes.find(candidate => candidate.pattern.test(path));
  if (!route) {
    showChrome(true);
    fill(view, h('h1', 'Not found'), h('p', 'This page does not exist. ', h('a', { href: '/console/events' }, 'Go to events')));
    return;
  }
  if (route.redirect) {
    navigate(route.redirect, { replace: true });
    return;
  }
  if (!route.public && !session.key) {
    navigate(`/console/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    return;
  }
  if (!route.public) loadIdentity();
  showChrome(!route.public, route.nav);
  document.title = `${route.title} · Relay console`;
  const params = route.pattern.exec(path).groups ?? {};
  try {
    const module = await import(`./pages/${route.page}.js`);
    if (controller.signal.aborted) return;
    fill(view);
    await module.default(view, params, controller.signal);
  } catch (error) {
    if (controller.signal.aborted || error.name === 'AbortError') return;
    fill(view, h('h1', route.title), errorBox(error));
  }
}

function showChrome(visible, nav) {
  topbar.hidden = !visible;
  showKeyLabel();
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// What the signed-in key may do, from GET /api/v1/me, read once per key (again only when another key signs in).
// Buttons a page marks data-scope="write" or "replay" are disabled, saying why, while the key lacks that scope: the
// API would refuse them with 403 anyway, this spares the operator the click. Until the answer arrives, or if it
// fails, nothing is disabled (the API still decides).
let identity = null;

function loadIdentity() {
  const key = session.key;
  if (!key || identity?.key === key) return;
  const entry = { key, me: null };
  identity = entry;
  api.get('/api/v1/me').then(({ data }) => {
    if (identity !== entry) return;
    entry.me = data;
    showKeyLabel();
    gateWithin(view);
  }, () => { /* a 401 signs out; anything else leaves the buttons to the API */ });
}

function showKeyLabel() {
  const label = document.querySelector('[data-key-label]');
  const me = identity?.key === session.key ? identity.me : null;
  if (!session.key) label.textContent = '';
  else if (me?.name) label.textContent = `Signed in with ${me.prefix} (${me.name})`;
  else label.textContent = `Signed in with ${session.label}`;
  if (me) label.title = `Scopes: ${me.scopes.join(', ')}`;
  else label.removeAttribute('title');
}

function gate(element) {
  const scope = element.dataset?.scope;
  const scopes = identity?.key === session.key ? identity.me?.scopes : null;
  if (!scope || !scopes || scopes.includes(scope)) return;
  const why = `Needs the ${scope} scope`;
  if (!element.disabled) element.disabled = true;
  element.title = why;
  element.setAttribute('aria-description', why);
}

function gateWithin(root) {
  gate(root);
  for (const element of root.querySelectorAll('[data-scope]')) gate(element);
}

// Pages build and redraw their buttons, and re-enable them after an action: each such change is gated again.
new MutationObserver(records => {
  for (const record of records) {
    if (record.type === 'attributes') gate(record.target);
    else for (const node of record.addedNodes) if (node instanceof Element) gateWithin(node);
  }
}).observe(view, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });

// Links inside the console navigate without reloading the page (and without dropping a live stream's state).
document.addEventListener('click', event => {
  const link = event.target.closest('a[href]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || link.target) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/console')) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

document.querySelector('[data-action="sign-out"]').addEventListener('click', () => {
  session.signOut();
  identity = null;
  navigate('/console/login');
});
document.querySelector('[data-action="shortcuts"]').addEventListener('click', showShortcuts);

function showShortcuts() {
  if (document.querySelector('dialog[open]')) return;
  const dialog = h('dialog.shortcuts', { 'aria-label': 'Keyboard shortcuts' },
    h('h2', 'Keyboard shortcuts'),
    h('dl.kv', shortcuts.flatMap(([keys, what]) => [h('dt', keys.split(' ').map(key => h('kbd', key))), h('dd', what)])),
    h('div.actions', h('button', { type: 'button', onclick: () => dialog.close() }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

let pendingG = false;
document.addEventListener('keydown', event => {
  if (event.metaKey || event.ctrlKey || event.altKey) return;
  const typing = event.target.closest?.('input, textarea, select, [contenteditable]');
  if (typing) {
    if (event.key === 'Escape') event.target.blur();
    return;
  }
  if (document.querySelector('dialog[open]') || topbar.hidden) return;
  if (pendingG) {
    pendingG = false;
    const target = { e: '/console/events', i: '/console/integrations', r: '/console/replays', d: '/console/dashboard' }[event.key];
    if (target) {
      event.preventDefault();
      navigate(target);
    }
    return;
  }
  switch (event.key) {
    case 'g':
      pendingG = true;
      setTimeout(() => { pendingG = false; }, 1500);
      break;
    case '/': {
      const search = view.querySelector('[data-search]');
      if (search) {
        event.preventDefault();
        search.focus();
        search.select?.();
      }
      break;
    }
    case '?':
      showShortcuts();
      break;
    case 'j': case 'ArrowDown':
      if (moveRowFocus(1)) event.preventDefault();
      break;
    case 'k': case 'ArrowUp':
      if (moveRowFocus(-1)) event.preventDefault();
      break;
  }
});

window.addEventListener('popstate', render);
window.addEventListener('relay:navigate', render);
window.addEventListener('relay:signed-out', () => {
  const next = location.pathname.startsWith('/console/login') ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}&expired=1`;
  navigate(`/console/login${next}`, { replace: true });
});

render();
