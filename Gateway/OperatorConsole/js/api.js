// The management API as the console calls it: through the gateway, with the operator's API key as a bearer token.
// The key lives in this tab's session storage only (gone when the tab closes) and is never put in a URL.

const KEY_STORAGE = 'relay.console.apiKey';

/** An answer in the error envelope ({ success: false, error: { code, message, details } }), or no answer at all. */
export class ApiError extends Error {
  constructor(status, code, message, details, requestId, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details ?? null;
    this.requestId = requestId ?? null;
    this.retryAfterSeconds = retryAfter ?? null;
  }
}

export const session = {
  get key() { return sessionStorage.getItem(KEY_STORAGE); },
  signIn(key) { sessionStorage.setItem(KEY_STORAGE, key); },
  signOut() { sessionStorage.removeItem(KEY_STORAGE); },
  /** What the console shows of the key: its public prefix (rly_<id>), never the secret part. */
  get label() {
    const key = this.key;
    if (!key) return '';
    const match = /^(rly_[A-Za-z0-9]+)_/.exec(key);
    return match ? match[1] : 'bootstrap key';
  },
};

function urlOf(path, query) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

function retryAfterOf(response) {
  const value = response.headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/** The refusal an answer carries, read from its envelope (or its status when it has none). */
async function readError(response) {
  let envelope = null;
  try { envelope = await response.json(); } catch { /* not JSON: a proxy's page */ }
  const error = envelope?.error;
  return new ApiError(response.status, error?.code ?? `HTTP_${response.status}`,
    error?.message ?? (response.statusText || `HTTP ${response.status}`), error?.details,
    response.headers.get('x-request-id'), retryAfterOf(response));
}

/** readError, and a 401 on the signed-in key signs out. */
async function errorOf(response) {
  const apiError = await readError(response);
  if (response.status === 401) {
    // The key was revoked or mistyped: back to the sign-in page, saying why.
    session.signOut();
    window.dispatchEvent(new CustomEvent('relay:signed-out', { detail: apiError }));
  }
  return apiError;
}

async function request(method, path, { query, body, signal, headers } = {}) {
  const key = session.key;
  const init = {
    method,
    signal,
    cache: 'no-store',
    headers: { Accept: 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(urlOf(path, query), init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The gateway cannot be reached', null, null, null);
  }
  if (!response.ok) throw await errorOf(response);
  const text = await response.text();
  const envelope = text ? JSON.parse(text) : {};
  return { data: envelope.data, meta: envelope.meta ?? null, requestId: response.headers.get('x-request-id') };
}

export const api = {
  get: (path, query, options) => request('GET', path, { ...options, query }),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  patch: (path, body, options) => request('PATCH', path, { ...options, body }),
  delete: (path, options) => request('DELETE', path, options),
};

/** Checks a key before keeping it: any read route answers 401 to a wrong key and 403 to a key without read scope. */
export async function verifyKey(key) {
  const response = await fetch(urlOf('/api/v1/events', { limit: 1 }), {
    headers: { Accept: 'application/json', Authorization: `Bearer ${key}` },
    cache: 'no-store',
  }).catch(() => null);
  if (!response) throw new ApiError(0, 'NETWORK', 'The gateway cannot be reached', null, null, null);
  if (!response.ok) throw await readError(response);
}

/**
 * Follows the live tail (GET /api/v1/events/stream, Server-Sent Events) with fetch, which, unlike EventSource, can send
 * the key in a header. Resumes after a dropped connection from the last message's id (Last-Event-ID), so nothing is
 * missed or shown twice. Calls onEvent(event view, id) and onState('connecting' | 'live' | 'reconnecting', error?).
 * Ends when the signal aborts.
 */
export async function followEventStream({ query, onEvent, onState, signal }) {
  let lastEventId = null;
  let failures = 0;
  let delayMs = 1000;
  while (!signal.aborted) {
    onState?.(lastEventId ? 'reconnecting' : 'connecting');
    try {
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${session.key}` };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(urlOf('/api/v1/events/stream', lastEventId ? { ...query, since: undefined } : query),
        { headers, signal, cache: 'no-store' });
      if (!response.ok) {
        const error = await errorOf(response);
        if (response.status === 401 || response.status === 403 || response.status === 400) {
          onState?.('stopped', error);
          return;
        }
        onState?.('reconnecting', error);
        if (error.retryAfterSeconds) delayMs = error.retryAfterSeconds * 1000;
      } else {
        failures = 0;
        onState?.('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = parseMessage(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (message.id !== null) lastEventId = message.id;
            if (message.retry !== null) delayMs = message.retry;
            if (message.data !== null && message.event === 'event.accepted') onEvent(JSON.parse(message.data), message.id);
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      onState?.('reconnecting', error);
    }
    failures++;
    await sleep(Math.min(delayMs * Math.max(1, failures), 15000), signal);
  }
}

function parseMessage(block) {
  const message = { id: null, event: 'message', data: null, retry: null };
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') message.id = value;
    else if (field === 'event') message.event = value;
    else if (field === 'data') message.data = message.data === null ? value : `${message.data}\n${value}`;
    else if (field === 'retry' && /^\d+$/.test(value)) message.retry = Number(value);
  }
  return message;
}

function sleep(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
