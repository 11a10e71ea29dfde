// Integrations: every provider Relay takes webhooks from, with the URL to give that provider, how its webhooks are
// verified, how many destinations it delivers to; create one, enable or disable it, open it.
import { api } from '../api.js';
import { h, fill, badge, timeCell, copyButton, errorBox, act, formDialog, confirmDialog, dataTable, navigate, currentQuery, replaceQuery } from '../ui.js';
import { PRESETS, CUSTOM_SCHEMES, webhookUrl, showSecretOnce, showFailure } from './integration-shared.js';

// Counting destinations costs a request per integration: only for the first rows of a long list.
const MAX_COUNTED = 40;

export default async function render(view, params, signal) {
  const query = currentQuery();
  const search = h('input', {
    type: 'search', 'data-search': true, placeholder: 'Provider or name', value: query.q ?? '', 'aria-label': 'Filter integrations by provider or name',
  });
  const activeOnly = h('input', { type: 'checkbox', checked: query.active === '1' });
  const list = h('div', h('p.muted', 'Loading…'));
  fill(view,
    h('div.page-head',
      h('h1', 'Integrations'),
      h('div.actions', h('button.primary', { type: 'button', 'data-scope': 'write', onclick: () => createIntegration() }, 'New integration'))),
    h('p.muted', 'Each integration takes the webhooks of one provider at its own URL, checks their signature, and delivers them to its destinations.'),
    h('div.filters',
      h('label', 'Filter', search),
      h('label.inline', activeOnly, ' Enabled only')),
    list);

  let integrations = [];
  let shown = [];
  const counts = new Map();
  const schemes = new Map();

  async function load() {
    try {
      const { data } = await api.get('/api/v1/integrations', {}, { signal });
      integrations = data;
      draw();
    } catch (error) {
      if (error.name !== 'AbortError') fill(list, errorBox(error));
    }
  }

  // How each is verified and how many destinations it has take a request each: read for the first rows shown only.
  let counting = false;
  let countAgain = false;
  async function countDestinations() {
    if (counting) {
      countAgain = true;
      return;
    }
    counting = true;
    for (const integration of shown.slice(0, MAX_COUNTED)) {
      if (signal.aborted) break;
      if (counts.has(integration.id)) continue;
      try {
        const [destinations, detail] = await Promise.all([
          api.get(`/api/v1/integrations/${integration.id}/destinations`, { limit: 100 }, { signal }),
          api.get(`/api/v1/integrations/${integration.id}`, {}, { signal }),
        ]);
        counts.set(integration.id, destinations.meta?.nextCursor ? `${destinations.data.length}+` : String(destinations.data.length));
        schemes.set(integration.id, detail.data.preset ? `preset ${detail.data.preset}` : detail.data.verification?.scheme ?? '—');
      } catch {
        counts.set(integration.id, '?');
      }
      const count = list.querySelector(`[data-count="${integration.id}"]`);
      if (count) count.textContent = counts.get(integration.id);
      const scheme = list.querySelector(`[data-scheme="${integration.id}"]`);
      if (scheme) scheme.textContent = schemes.get(integration.id) ?? '?';
    }
    counting = false;
    if (countAgain && !signal.aborted) {
      countAgain = false;
      countDestinations();
    }
  }

  function draw() {
    const text = search.value.trim().toLowerCase();
    shown = integrations.filter(integration =>
      (!text || integration.provider.includes(text) || integration.name.toLowerCase().includes(text))
      && (!activeOnly.checked || integration.isActive));
    replaceQuery({ q: text, active: activeOnly.checked ? '1' : '' });
    fill(list, dataTable(['Provider', 'Name', 'Status', 'Verified by', 'Webhook URL for the provider', 'Destinations', 'Created', ''],
      shown.map(integration => ({
        href: `/console/integrations/${integration.id}`,
        dataset: { provider: integration.provider },
        cells: [
          h('a', { href: `/console/integrations/${integration.id}` }, h('strong', integration.provider)),
          integration.name,
          badge(integration.isActive ? 'enabled' : 'disabled'),
          h('span', { 'data-scheme': integration.id }, schemes.get(integration.id) ?? '…'),
          h('span.url-cell', h('code', webhookUrl(integration.provider)), ' ', copyButton(webhookUrl(integration.provider), 'Copy URL')),
          h('span', { 'data-count': integration.id }, counts.get(integration.id) ?? '…'),
          timeCell(integration.createdAt),
          toggleButton(integration),
        ],
      })),
      { empty: integrations.length ? 'No integration matches the filter.' : 'No integrations yet: create one for the first provider.', label: 'Integrations' }));
    countDestinations();
  }

  function toggleButton(integration) {
    const enabling = !integration.isActive;
    return h('button.small', {
      type: 'button', 'data-scope': 'write',
      class: enabling ? '' : 'danger',
      'aria-label': `${enabling ? 'Enable' : 'Disable'} ${integration.provider}`,
      onclick: async event => {
        const button = event.currentTarget;
        if (!enabling && !await confirmDialog(`Disable ${integration.provider}?`,
          `Webhooks sent to ${webhookUrl(integration.provider)} will be refused (404) until it is enabled again.`, 'Disable')) return;
        const updated = await act(button, () => api.post(`/api/v1/integrations/${integration.id}/${enabling ? 'enable' : 'disable'}`, {}),
          `${integration.provider} ${enabling ? 'enabled' : 'disabled'}`);
        if (updated) {
          Object.assign(integration, { isActive: updated.data.isActive });
          draw();
        }
      },
    }, enabling ? 'Enable' : 'Disable');
  }

  async function createIntegration() {
    const values = await formDialog({
      title: 'New integration',
      description: 'The provider name becomes part of the webhook URL. A preset knows how that provider signs and shapes its webhooks; otherwise pick a scheme and the header the signature comes in.',
      submitLabel: 'Create integration',
      fields: [
        { name: 'provider', label: 'Provider name', required: true, placeholder: 'e.g. stripe or billing-app', help: '2-50 lower-case letters, digits, - or _' },
        { name: 'name', label: 'Display name', required: true },
        { name: 'callbackUrl', label: 'Default destination URL', type: 'url', required: true, placeholder: 'https://…', help: 'Where its webhooks are delivered; more destinations can be added later.' },
        {
          name: 'verification', label: 'Verification',
          options: [
            { value: '', label: 'Preset named like the provider' },
            ...PRESETS.map(preset => ({ value: `preset:${preset}`, label: `Preset: ${preset}` })),
            ...CUSTOM_SCHEMES.map(scheme => ({ value: `scheme:${scheme.name}`, label: `Scheme: ${scheme.label}` })),
          ],
        },
        { name: 'header', label: 'Signature header (schemes only)', placeholder: 'e.g. x-signature' },
        { name: 'secret', label: 'Inbound secret', type: 'password', required: true, help: 'What the provider signs with (at least 16 characters). It is stored encrypted and never shown again.' },
      ],
    });
    if (!values) return;
    const body = { provider: values.provider.trim(), name: values.name.trim(), callbackUrl: values.callbackUrl.trim(), secret: values.secret };
    if (values.verification.startsWith('preset:')) body.preset = values.verification.slice(7);
    if (values.verification.startsWith('scheme:')) {
      body.verification = { scheme: values.verification.slice(7) };
      if (values.header.trim()) body.verification.header = values.header.trim();
    }
    try {
      const { data } = await api.post('/api/v1/integrations', body);
      await showSecretOnce({
        title: `Integration ${data.provider} created`,
        what: 'Signing secret of its default destination',
        secret: data.defaultDestination?.signingSecret,
        note: `Give the provider this webhook URL: ${webhookUrl(data.provider)}. Deliveries to ${data.callbackUrl} are signed with the secret below; give it to the receiver now, it is never shown again.`,
      });
      navigate(`/console/integrations/${data.id}`);
    } catch (error) {
      await showFailure('The integration was not created', error);
    }
  }

  search.addEventListener('input', draw);
  activeOnly.addEventListener('change', draw);
  await load();
}
