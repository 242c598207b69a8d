import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamClient, HttpStatusError, STATUS } from '../js/stream/stream-client.js';

function fakeTimers() {
  let now = 0;
  let timers = [];
  let next = 1;
  return {
    setTimer: (fn, ms) => { const id = next++; timers.push({ id, at: now + ms, fn }); return id; },
    clearTimer: (id) => { timers = timers.filter((t) => t.id !== id); },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
        await Promise.resolve();
        await Promise.resolve();
      }
      now = end;
    },
    pendingDelays: () => timers.map((t) => t.at - now),
  };
}

// A transport whose connections the test opens and fails by hand.
function fakeTransport(name) {
  const t = { name, opens: [] };
  t.open = (handlers) => {
    const conn = { handlers, closed: false, close() { conn.closed = true; } };
    t.opens.push(conn);
    return conn;
  };
  t.last = () => t.opens[t.opens.length - 1];
  return t;
}

function setup({ transports = [fakeTransport('sse')], poll = async () => {} } = {}) {
  const clock = fakeTimers();
  const statuses = [];
  const messages = [];
  const client = createStreamClient({
    transports, poll, onMessage: (m) => messages.push(m), onStatus: (s, d) => statuses.push([s, d]),
    setTimer: clock.setTimer, clearTimer: clock.clearTimer, random: () => 0.5,
  });
  return { client, clock, statuses, messages, transports };
}

test('Connecting, then Connected when the stream confirms', () => {
  const { client, statuses, transports, messages } = setup();
  client.start();
  assert.equal(client.status, STATUS.connecting);
  transports[0].last().handlers.onConnected({ revision: 3 });
  assert.equal(client.status, STATUS.connected);
  transports[0].last().handlers.onMessage({ kind: 'full' }, '3');
  assert.deepEqual(messages, [{ kind: 'full' }]);
  assert.equal(client.lastEventId, '3');
  assert.deepEqual(statuses.map((s) => s[0]), ['Connecting', 'Connected']);
});

test('reconnects after a failure and resumes from the last event id', async () => {
  const { client, clock, transports } = setup();
  const sse = transports[0];
  client.start();
  assert.equal(sse.opens[0].handlers.lastEventId, null, 'a fresh page starts without an id');
  sse.last().handlers.onConnected({});
  sse.last().handlers.onMessage({ kind: 'update' }, '41');
  sse.last().handlers.onFailure({ opened: true });
  assert.equal(client.status, STATUS.reconnecting);
  await clock.advance(999);
  assert.equal(sse.opens.length, 1);
  await clock.advance(1);
  assert.equal(sse.opens.length, 2);
  assert.equal(sse.last().handlers.lastEventId, '41');
  sse.last().handlers.onConnected({ resumed: true });
  assert.equal(client.status, STATUS.connected);
  assert.equal(client.failures, 0, 'a success resets the backoff');
});

test('after repeated failures it polls the snapshot, and stops polling once connected', async () => {
  let polls = 0;
  const { client, clock, transports } = setup({ poll: async () => { polls++; } });
  const sse = transports[0];
  client.start();
  sse.last().handlers.onFailure({ opened: true });
  await clock.advance(1000);
  sse.last().handlers.onFailure({ opened: true });
  assert.equal(polls, 0, 'no polling after two failures');
  await clock.advance(2000);
  sse.last().handlers.onFailure({ opened: true });
  await clock.advance(0);
  assert.equal(polls, 1, 'polls after the third failure');
  assert.equal(client.status, STATUS.reconnecting);
  await clock.advance(4000);
  assert.ok(polls >= 1);
  sse.last().handlers.onConnected({});
  const stopped = polls;
  await clock.advance(60000);
  assert.equal(polls, stopped, 'no polling while connected');
  assert.equal(client.status, STATUS.connected);
});

test('the delay sequence is exponential up to 16 s', async () => {
  const { client, clock, transports } = setup({ poll: async () => { throw new TypeError('fetch failed'); } });
  const sse = transports[0];
  client.start();
  const seen = [];
  for (let i = 0; i < 7; i++) {
    const t0 = sse.opens.length;
    sse.last().handlers.onFailure({ opened: true });
    let waited = 0;
    while (sse.opens.length === t0) { await clock.advance(250); waited += 250; }
    seen.push(waited);
  }
  assert.deepEqual(seen, [1000, 2000, 4000, 8000, 16000, 16000, 16000]);
  assert.equal(client.status, STATUS.offline, 'unreachable for long: Offline');
});

test('a server error on the poll shows Error; a refused stream too', async () => {
  const { client, clock, transports } = setup({ poll: async () => { throw new HttpStatusError(503); } });
  const sse = transports[0];
  client.start();
  sse.last().handlers.onFailure({ opened: false, fatal: true });
  assert.equal(client.status, STATUS.error);
  for (let i = 0; i < 3; i++) { await clock.advance(20000); sse.last().handlers.onFailure({ opened: true }); }
  await clock.advance(0);
  assert.equal(client.status, STATUS.error);
});

test('a transport that never opens is skipped for the next one at once', () => {
  const ws = fakeTransport('ws');
  const sse = fakeTransport('sse');
  const { client } = setup({ transports: [ws, sse] });
  client.start();
  ws.last().handlers.onFailure({ opened: false });
  assert.equal(sse.opens.length, 1, 'fell through to SSE without waiting');
  assert.equal(client.status, STATUS.connecting);
  sse.last().handlers.onConnected({});
  assert.equal(client.transport, 'sse');
});

test('a transport that worked once is retried rather than skipped', async () => {
  const ws = fakeTransport('ws');
  const sse = fakeTransport('sse');
  const { client, clock } = setup({ transports: [ws, sse] });
  client.start();
  ws.last().handlers.onConnected({});
  ws.last().handlers.onFailure({ opened: true });
  await clock.advance(1000);
  ws.last().handlers.onFailure({ opened: false });
  assert.equal(sse.opens.length, 0);
  await clock.advance(2000);
  assert.equal(ws.opens.length, 3);
});

test('messages from a closed connection are ignored', () => {
  const { client, transports, messages } = setup();
  client.start();
  const old = transports[0].last();
  old.handlers.onFailure({ opened: true });
  old.handlers.onMessage({ kind: 'late' }, '9');
  assert.deepEqual(messages, []);
  assert.equal(old.closed, true);
});

test('browser offline and online', () => {
  const { client, transports } = setup();
  client.start();
  client.setOnline(false);
  assert.equal(client.status, STATUS.offline);
  assert.equal(transports[0].last().closed, true);
  client.setOnline(true);
  assert.equal(client.status, STATUS.reconnecting);
  assert.equal(transports[0].opens.length, 2);
});
