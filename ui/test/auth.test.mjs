import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN_KEY, authAction, forgetToken, installAuth, loadToken, saveToken, withAccessToken, withBearer } from '../js/auth.js';

function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
    data,
  };
}

test('the token is kept trimmed, read back, and forgotten', () => {
  const storage = memoryStorage();
  assert.equal(loadToken(storage), null);
  assert.equal(saveToken(storage, '   '), false, 'a blank token is not kept');
  assert.equal(saveToken(storage, '  abc  '), true);
  assert.equal(storage.data.get(TOKEN_KEY), 'abc');
  assert.equal(loadToken(storage), 'abc');
  forgetToken(storage);
  assert.equal(loadToken(storage), null);
});

test('storage that throws reads as no token', () => {
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); }, removeItem() { throw new Error('denied'); } };
  assert.equal(loadToken(broken), null);
  assert.equal(saveToken(broken, 'abc'), false);
  forgetToken(broken);
});

test('access_token is added to relative and absolute URLs, replacing an old one', () => {
  assert.equal(withAccessToken('api/infra/topology/stream', 't'), 'api/infra/topology/stream?access_token=t');
  assert.equal(withAccessToken('api/x?kinds=pod', 'a b'), 'api/x?kinds=pod&access_token=a%20b');
  assert.equal(withAccessToken('ws://h:1/api/infra/ws?access_token=old&x=1', 'new'), 'ws://h:1/api/infra/ws?x=1&access_token=new');
  assert.equal(withAccessToken('ws://h/api/infra/ws?x=1&access_token=old', 'new'), 'ws://h/api/infra/ws?x=1&access_token=new');
  assert.equal(withAccessToken('a?b=1#frag', 't'), 'a?b=1&access_token=t#frag');
  assert.equal(withAccessToken('a?b=1', null), 'a?b=1', 'no token, no change');
});

test('the bearer header is added unless the caller set one', () => {
  assert.equal(withBearer({ cache: 'no-store' }, 't').headers.get('Authorization'), 'Bearer t');
  assert.equal(withBearer({ cache: 'no-store' }, 't').cache, 'no-store');
  assert.equal(withBearer({ headers: { Authorization: 'Bearer mine' } }, 't').headers.get('Authorization'), 'Bearer mine');
  assert.equal(withBearer(undefined, null), undefined);
});

test('a 401 asks for a token, or for another when one was sent', () => {
  assert.equal(authAction(200, false), 'none');
  assert.equal(authAction(403, true), 'none', 'a missing scope is not fixed by another prompt');
  assert.equal(authAction(401, false), 'token-needed');
  assert.equal(authAction(401, true), 'token-rejected');
});

test('installAuth wraps fetch, EventSource and WebSocket, and reports the first 401 once', async () => {
  const seen = [];
  class FakeSource { constructor(url) { this.url = url; } }
  class FakeSocket { constructor(url, protocols) { this.url = url; this.protocols = protocols; } }
  const scope = {
    fetch: async (url, init) => { seen.push([url, init.headers.get('Authorization')]); return { status: 401 }; },
    EventSource: FakeSource,
    WebSocket: FakeSocket,
  };
  const storage = memoryStorage({ [TOKEN_KEY]: 'tok' });
  const reports = [];
  assert.equal(installAuth(scope, storage, (a) => reports.push(a)), 'tok');
  await scope.fetch('api/infra/topology', {});
  await scope.fetch('api/infra/health', {});
  assert.deepEqual(seen, [['api/infra/topology', 'Bearer tok'], ['api/infra/health', 'Bearer tok']]);
  assert.deepEqual(reports, ['token-rejected']);
  assert.equal(loadToken(storage), null, 'a rejected token is forgotten');
  assert.equal(new scope.EventSource('api/s').url, 'api/s?access_token=tok');
  const socket = new scope.WebSocket('ws://h/api/infra/ws', ['x']);
  assert.equal(socket.url, 'ws://h/api/infra/ws?access_token=tok');
  assert.deepEqual(socket.protocols, ['x']);
  assert.ok(socket instanceof FakeSocket);
});

test('without a token nothing is wrapped but fetch, which still reports a 401', async () => {
  class FakeSource {}
  const scope = { fetch: async () => ({ status: 401 }), EventSource: FakeSource };
  const reports = [];
  installAuth(scope, memoryStorage(), (a) => reports.push(a));
  assert.equal(scope.EventSource, FakeSource);
  await scope.fetch('x');
  assert.deepEqual(reports, ['token-needed']);
});
