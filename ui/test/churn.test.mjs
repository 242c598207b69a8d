import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChurnState, applyChurnNotice, isSummarised, podCountsByService } from '../js/churn.js';

const pod = (name, ns, app, status = 'running') => ({ id: `k8s:pod/${ns}/${name}`, kind: 'pod', name, namespace: ns, status, labels: { app } });

test('a warning starts churn and a calmed summary ends it', () => {
  const churn = createChurnState();
  assert.equal(applyChurnNotice(churn, 'high_churn_warning', { namespace: 'shop', affected_services: ['web'], churn_rate_pods_per_minute: 42 }), true);
  assert.equal(churn.get('shop').rate, 42);
  assert.deepEqual(churn.get('shop').services, ['web']);
  assert.equal(applyChurnNotice(churn, 'namespace_summary', { namespace: 'shop', total: 9, churning: true }), false);
  assert.equal(churn.get('shop').summary.total, 9);
  assert.equal(applyChurnNotice(churn, 'namespace_summary', { namespace: 'shop', churning: false }), true);
  assert.equal(churn.has('shop'), false);
});

test('garbage notices change nothing', () => {
  const churn = createChurnState();
  assert.equal(applyChurnNotice(churn, 'high_churn_warning', null), false);
  assert.equal(applyChurnNotice(churn, 'high_churn_warning', { namespace: 7 }), false);
  assert.equal(applyChurnNotice(churn, 'progress', { namespace: 'shop' }), false);
  assert.equal(churn.size, 0);
});

test('only pods of churning namespaces are summarised', () => {
  const churn = createChurnState();
  applyChurnNotice(churn, 'high_churn_warning', { namespace: 'shop' });
  assert.equal(isSummarised(churn, pod('a', 'shop', 'web')), true);
  assert.equal(isSummarised(churn, pod('a', 'other', 'web')), false);
  assert.equal(isSummarised(churn, { kind: 'service', namespace: 'shop' }), false);
});

test('pods are counted per service, busiest first', () => {
  const entities = [
    pod('a', 'shop', 'web'), pod('b', 'shop', 'web', 'pending'), pod('c', 'shop', 'api', 'terminating'),
    pod('d', 'other', 'web'), { kind: 'service', namespace: 'shop', labels: { app: 'web' } },
  ];
  assert.deepEqual(podCountsByService(entities, 'shop'), [
    { service: 'web', total: 2, running: 1, pending: 1, terminating: 0, failed: 0 },
    { service: 'api', total: 1, running: 0, pending: 0, terminating: 1, failed: 0 },
  ]);
});
