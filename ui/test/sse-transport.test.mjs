import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sseTransport } from '../js/stream/sse-transport.js';

class FakeEventSource {
  static last = null;
  constructor(url) { this.url = url; this.listeners = {}; this.readyState = 0; this.closed = false; FakeEventSource.last = this; }
  addEventListener(type, fn) { this.listeners[type] = fn; }
  close() { this.closed = true; this.readyState = 2; }
}

function open(lastEventId = null) {
  const calls = { connected: [], messages: [], failures: [] };
  sseTransport('api/infra/topology/stream', FakeEventSource).open({
    lastEventId,
    onConnected: (info) => calls.connected.push(info),
    onMessage: (data, id) => calls.messages.push([data, id]),
    onFailure: (f) => calls.failures.push(f),
  });
  return { calls, source: FakeEventSource.last };
}

test('resumes with the last_event_id query parameter', () => {
  assert.equal(open().source.url, 'api/infra/topology/stream');
  assert.equal(open('4711').source.url, 'api/infra/topology/stream?last_event_id=4711');
});

test('connected event, then default messages with ids; bad JSON is skipped', () => {
  const { calls, source } = open();
  source.listeners.connected({ data: '{"revision":5,"resumed":false}' });
  source.onmessage({ data: '{"kind":"full","revision":5}', lastEventId: '5' });
  source.onmessage({ data: '{not json', lastEventId: '6' });
  assert.deepEqual(calls.connected, [{ revision: 5, resumed: false }]);
  assert.deepEqual(calls.messages, [[{ kind: 'full', revision: 5 }, '5']]);
});

test('a dropped network is a plain failure; a refused stream is fatal', () => {
  let { calls, source } = open();
  source.readyState = 0; // browser would retry: network trouble
  source.onerror();
  assert.deepEqual(calls.failures, [{ opened: true, fatal: false }]);
  assert.ok(source.closed, 'the client, not the browser, owns retries');
  ({ calls, source } = open());
  source.readyState = 2; // closed: HTTP error or wrong content type
  source.onerror();
  assert.deepEqual(calls.failures, [{ opened: false, fatal: true }]);
});
