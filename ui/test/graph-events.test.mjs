// The page side of graph events (graph-events.js) against a fake EventSource
// and a fake document: toasts go through the limiter, invalidated shows the
// banner, and the refresh button clears it only when the refetch worked.
import { test } from 'node:test';
import assert from 'node:assert/strict';

function element() {
  const listeners = {};
  return { hidden: true, disabled: false, addEventListener: (type, fn) => { listeners[type] = fn; }, fire: (type) => listeners[type]() };
}
const elements = { 'graph-stale': element(), 'graph-refresh': element() };
globalThis.document = { getElementById: (id) => elements[id] };
const { createGraphEvents } = await import('../js/graph-events.js');

class FakeEventSource {
  static last = null;
  constructor(url) { this.url = url; this.listeners = {}; FakeEventSource.last = this; }
  addEventListener(type, fn) { this.listeners[type] = fn; }
  emit(type, data) { this.listeners[type]({ data: JSON.stringify(data) }); }
  close() {}
}

test('created nodes toast, a burst is held for the summary, invalidated shows the banner', { timeout: 10000 }, async () => {
  const shown = [];
  let clock = 0;
  let refreshes = 0;
  let failRefresh = true;
  const events = createGraphEvents({
    toaster: { show: (text) => shown.push(text) },
    refresh: async () => { refreshes += 1; if (failRefresh) throw new Error('offline'); },
    EventSourceImpl: FakeEventSource,
    now: () => clock,
  });
  const source = FakeEventSource.last;
  assert.equal(source.url, 'api/graph/events/stream');
  for (let i = 0; i < 10; i += 1) source.emit('graph.node.created', { node_type: 'service', label: `s${i}`, node_id: `id${i}` });
  assert.deepEqual(shown, ['New service: s0', 'New service: s1', 'New service: s2']);

  const banner = elements['graph-stale'];
  source.emit('graph.invalidated', { project_id: '', reason: 'rescan' });
  assert.equal(banner.hidden, false);
  await elements['graph-refresh'].fire('click');
  assert.equal(banner.hidden, false, 'a failed refresh leaves the banner');
  failRefresh = false;
  await elements['graph-refresh'].fire('click');
  assert.equal(refreshes, 2);
  assert.equal(banner.hidden, true);

  clock = 5000;
  await new Promise((resolve) => {
    const poll = () => (shown.length === 4 ? resolve() : setTimeout(poll, 20));
    poll();
  });
  assert.equal(shown[3], '7 new nodes');
  events.close();
});
