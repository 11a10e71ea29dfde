// What the integrations, integration and replay pages share: the presets and schemes an integration can be created
// with, the webhook URL a provider is given, and the dialogs that show a secret once or say why an action failed.
// (Not a page: no route leads here.)
import { h, copyButton, errorBox } from '../ui.js';

/** Relay's presets (Relay.Infrastructure/Providers/ProviderPresets.cs): each knows a provider's signature and fields. */
export const PRESETS = ['stripe', 'github', 'shopify', 'standard-webhooks', 'relay', 'acme', 'globex'];

/** Schemes an operator configures by hand, with the header the credential comes in (VerificationSchemes.cs). */
export const CUSTOM_SCHEMES = [
  { name: 'hmac-sha256-hex', label: 'HMAC-SHA256 of the body, hex, in a header' },
  { name: 'token', label: 'Shared token in a header' },
];

/** Where the provider posts its webhooks: through this gateway, under the integration's provider name. */
export function webhookUrl(provider) {
  return `${location.origin}/api/v1/webhooks/${provider}`;
}

/** A secret the API has just made, shown this once with a copy button and a warning; resolves when closed. */
export function showSecretOnce({ title, what, secret, note }) {
  return new Promise(resolve => {
    const dialog = h('dialog.secret-once', { 'aria-label': title },
      h('h2', title),
      note ? h('p', note) : null,
      secret ? [
        h('p.warn', h('strong', 'Copy it now: it will not be shown again.')),
        h('label.field', h('span', what),
          h('input.mono', { type: 'text', readonly: true, value: secret, 'aria-label': what, 'data-secret': true })),
        h('div', copyButton(secret, 'Copy secret')),
      ] : null,
      h('div.actions', h('button.primary', { type: 'button', onclick: () => dialog.close() }, 'Done')));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('input')?.select();
  });
}

/** Why an action failed, in a dialog: message, code and request id. */
export function showFailure(title, error) {
  return new Promise(resolve => {
    const dialog = h('dialog', { 'aria-label': title, role: 'alertdialog' },
      h('h2', title), errorBox(error),
      h('div.actions', h('button', { type: 'button', onclick: () => dialog.close() }, 'Close')));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A date-time-local input's value for a moment (local time, to the minute). */
export function localInputValue(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

/** An ISO time (UTC) from a date-time-local input's value, or undefined when empty. */
export function isoFromLocalInput(value) {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An id short enough for a table: its end (ids are UUIDv7, whose start is the time and repeats), whole on hover. */
export function shortId(id) {
  return h('code', { title: id }, `…${String(id).slice(-10)}`);
}
