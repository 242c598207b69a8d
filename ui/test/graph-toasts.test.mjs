import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createdMessage, summaryMessage, ToastLimiter } from '../js/graph-toasts.js';

test('created node message names its kind and label', () => {
  assert.equal(createdMessage({ node_type: 'service', label: 'billing', node_id: 'api:1' }), 'New service: billing');
  assert.equal(createdMessage({ node_type: 'custom', node_id: 'api:2' }), 'New node: api:2');
  assert.equal(summaryMessage(1), '1 new node');
  assert.equal(summaryMessage(40), '40 new nodes');
});

test('a bulk change shows a few toasts then one summary', () => {
  const limiter = new ToastLimiter({ limit: 2, windowMs: 1000 });
  const shown = [];
  for (let i = 0; i < 100; i++) {
    const message = limiter.take({ node_type: 'pod', label: `p${i}` }, i);
    if (message) shown.push(message);
  }
  assert.deepEqual(shown, ['New pod: p0', 'New pod: p1']);
  assert.equal(limiter.flush(500), null, 'still inside the window');
  assert.equal(limiter.flush(1200), '98 new nodes');
  assert.equal(limiter.flush(5000), null, 'nothing left');
  assert.equal(limiter.take({ node_type: 'pod', label: 'late' }, 6000), 'New pod: late');
});

test('a graph API entity moved by the layout alone is not toasted', async () => {
  const { graphApiToast, changedBeyondPosition } = await import('../js/graph-toasts.js');
  const kind = (k) => k;
  const known = { id: 'api:web', name: 'web', kind: 'service', source: 'api', labels: { tier: 'a' }, x: 1, y: 2, z: 3 };
  const moved = { ...known, x: 5, y: 6, z: 7, updated_at: '2026-12-06T21:00:00Z' };
  assert.equal(changedBeyondPosition(moved, known), false);
  assert.equal(graphApiToast({ kind: 'update', entity: moved }, known, kind), null);
  const relabelled = { ...moved, labels: { tier: 'b' } };
  assert.deepEqual(graphApiToast({ kind: 'update', entity: relabelled }, known, kind),
    { text: 'Graph API: service “web” updated', verb: 'updated' });
  assert.deepEqual(graphApiToast({ kind: 'remove', entity: { id: 'api:web' } }, known, kind),
    { text: 'Graph API: service “web” removed', verb: 'removed' });
  assert.equal(graphApiToast({ kind: 'add', entity: moved }, undefined, kind), null, 'new nodes are toasted by the graph events stream');
  assert.equal(graphApiToast({ kind: 'update', entity: { ...relabelled, source: 'k8s' } }, { ...known, source: 'k8s' }, kind), null);
});
