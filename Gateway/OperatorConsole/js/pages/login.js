// Sign-in: the operator pastes an API key (rly_... from POST /api/v1/api-keys, or the bootstrap key). It is checked
// against a read route, then kept in this tab's session storage only.
import { session, verifyKey } from '../api.js';
import { h, errorBox, navigate, currentQuery } from '../ui.js';

export default async function render(view) {
  const query = currentQuery();
  const message = h('div.message');
  const input = h('input', {
    id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    placeholder: 'rly_…', 'aria-describedby': 'api-key-help',
  });
  const form = h('form.login', { 'aria-labelledby': 'login-title' },
    h('h1#login-title', 'Relay console'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('small#api-key-help.muted', 'A key with at least the read scope. It stays in this browser tab and is sent only to this gateway.'),
    message,
    h('button.primary', { type: 'submit' }, 'Sign in'));
  if (query.expired) message.replaceChildren(h('p.warn', 'The key was refused (revoked or expired). Sign in again.'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const key = input.value.trim();
    const button = form.querySelector('button');
    button.disabled = true;
    message.replaceChildren();
    try {
      await verifyKey(key);
      session.signIn(key);
      const next = query.next && query.next.startsWith('/console/') && !query.next.startsWith('/console/login') ? query.next : '/console/events';
      navigate(next, { replace: true });
    } catch (error) {
      message.replaceChildren(errorBox(error.status === 401 ? { ...error, message: 'This key is not valid.' } : error));
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  view.append(h('div.login-page', form));
  input.focus();
}
