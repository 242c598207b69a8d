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
