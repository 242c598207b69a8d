// Tokens for a server that requires them (docs/AUTH.md). The page keeps the
// token in sessionStorage (gone when the tab closes) and adds it to every
// request: an Authorization header on fetch, and the `access_token` query
// parameter on EventSource and WebSocket, which cannot set headers. A 401
// shows a small prompt; the token typed there is kept and the page reloads.

export const TOKEN_KEY = 'gestalt.token';

/** The stored token, or null; storage that throws (privacy modes) reads as none. */
export function loadToken(storage) {
  try { return storage?.getItem(TOKEN_KEY) || null; } catch { return null; }
}

export function saveToken(storage, token) {
  const trimmed = (token ?? '').trim();
  if (!trimmed) return false;
  try { storage.setItem(TOKEN_KEY, trimmed); return true; } catch { return false; }
}

export function forgetToken(storage) {
  try { storage?.removeItem(TOKEN_KEY); } catch { /* nothing kept, nothing to forget */ }
}

/** `url` (absolute or relative to the page) with `access_token` set; unchanged without a token. */
export function withAccessToken(url, token) {
  if (!token) return url;
  const text = String(url);
  const hash = text.indexOf('#');
  const [base, fragment] = hash < 0 ? [text, ''] : [text.slice(0, hash), text.slice(hash)];
  const kept = base.replace(/([?&])access_token=[^&]*(&|$)/, (_, lead, tail) => (tail ? lead : ''));
  const joiner = kept.includes('?') ? (kept.endsWith('?') || kept.endsWith('&') ? '' : '&') : '?';
  return `${kept}${joiner}access_token=${encodeURIComponent(token)}${fragment}`;
}

/** fetch's init with the bearer header added (a caller's own Authorization wins). */
export function withBearer(init, token) {
  if (!token) return init;
  const headers = new Headers(init?.headers ?? {});
  if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
  return { ...init, headers };
}

/** What a response status means for the prompt: ask for a token, or go on. */
export function authAction(status, hadToken) {
  if (status !== 401) return 'none';
  return hadToken ? 'token-rejected' : 'token-needed';
}

/**
 * Wraps `scope.fetch`, `scope.EventSource` and `scope.WebSocket` so every
 * request carries the stored token, and calls `onUnauthorized(action)` once
 * on the first 401. Returns the token in use.
 */
export function installAuth(scope, storage, onUnauthorized) {
  const token = loadToken(storage);
  let reported = false;
  const report = (action) => {
    if (reported || action === 'none') return;
    reported = true;
    if (action === 'token-rejected') forgetToken(storage);
    onUnauthorized(action);
  };
  const fetchImpl = scope.fetch?.bind(scope);
  if (fetchImpl) {
    scope.fetch = async (input, init) => {
      const response = await fetchImpl(input, withBearer(init, token));
      report(authAction(response.status, Boolean(token)));
      return response;
    };
  }
  for (const name of ['EventSource', 'WebSocket']) {
    const Original = scope[name];
    if (!Original || !token) continue;
    const Wrapped = class extends Original {
      constructor(url, ...rest) { super(withAccessToken(url, token), ...rest); }
    };
    scope[name] = Wrapped;
  }
  return token;
}

/** The prompt: a small form over the page. Resolves with the typed token. */
export function showTokenPrompt(document, action) {
  if (document.getElementById('auth-prompt')) return;
  const form = document.createElement('form');
  form.id = 'auth-prompt';
  form.setAttribute('role', 'dialog');
  form.setAttribute('aria-label', 'Access token');
  form.style.cssText = 'position:fixed;top:30%;left:50%;transform:translateX(-50%);z-index:1000;padding:16px 20px;'
    + 'background:#1b1f27;color:#e6e6e6;border:1px solid #444;border-radius:8px;font:14px system-ui,sans-serif;'
    + 'display:flex;flex-direction:column;gap:8px;min-width:280px;box-shadow:0 8px 30px rgba(0,0,0,.5)';
  const label = document.createElement('label');
  label.htmlFor = 'auth-token';
  label.textContent = action === 'token-rejected'
    ? 'The server did not accept that token. Enter another:'
    : 'This server requires an access token:';
  const input = document.createElement('input');
  input.id = 'auth-token';
  input.type = 'password';
  input.autocomplete = 'off';
  input.required = true;
  const button = document.createElement('button');
  button.type = 'submit';
  button.id = 'auth-submit';
  button.textContent = 'Connect';
  form.append(label, input, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (saveToken(document.defaultView.sessionStorage, input.value)) document.defaultView.location.reload();
  });
  document.body.append(form);
  input.focus();
}
