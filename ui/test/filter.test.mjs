import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilter, filterEntities, isFilterEmpty, matchesFilter, namespacesOf } from '../js/filter.js';

const entities = [
  { id: 'k8s:pod/shop/web-1', kind: 'pod', name: 'web-1', namespace: 'shop', health: 0.95, labels: { app: 'web' } },
  { id: 'k8s:pod/shop/db-1', kind: 'pod', name: 'db-1', namespace: 'shop', health: 0.6, labels: {} },
  { id: 'k8s:service/pay/api', kind: 'service', name: 'api', namespace: 'pay', health: 0.2, labels: { tier: 'backend' } },
  { id: 'k8s:node/worker-1', kind: 'node', name: 'worker-1', namespace: '', health: 1 },
];
const ids = (filter) => filterEntities(entities, filter).map((e) => e.name);

test('an empty filter matches everything', () => {
  const f = createFilter();
  assert.ok(isFilterEmpty(f));
  assert.deepEqual(ids(f), ['web-1', 'db-1', 'api', 'worker-1']);
});

test('kind, namespace and band each restrict', () => {
  const f = createFilter();
  f.kinds.add('pod');
  assert.deepEqual(ids(f), ['web-1', 'db-1']);
  f.namespaces.add('pay');
  assert.deepEqual(ids(f), [], 'every part must match');
  f.kinds.clear();
  assert.deepEqual(ids(f), ['api']);
  f.namespaces.clear();
  f.bands.add('warning');
  assert.deepEqual(ids(f), ['db-1']);
  f.bands.add('critical');
  assert.deepEqual(ids(f), ['db-1', 'api']);
  assert.equal(isFilterEmpty(f), false);
});

test('health band edges follow the protocol (0.8 healthy, 0.5 warning)', () => {
  const f = createFilter();
  f.bands.add('healthy');
  assert.ok(matchesFilter({ kind: 'pod', health: 0.8 }, f));
  assert.ok(!matchesFilter({ kind: 'pod', health: 0.79 }, f));
  f.bands = new Set(['warning']);
  assert.ok(matchesFilter({ kind: 'pod', health: 0.5 }, f));
  assert.ok(!matchesFilter({ kind: 'pod', health: 0.49 }, f));
});

test('search matches name, id, namespace and label values, case-insensitively', () => {
  const f = createFilter();
  f.search = 'WEB';
  assert.deepEqual(ids(f), ['web-1']);
  f.search = 'backend';
  assert.deepEqual(ids(f), ['api']);
  f.search = 'k8s:node';
  assert.deepEqual(ids(f), ['worker-1']);
  f.search = '  ';
  assert.equal(ids(f).length, 4, 'blank search is no search');
});

test('cluster-scoped entities match only the empty namespace', () => {
  const f = createFilter();
  f.namespaces.add('');
  assert.deepEqual(ids(f), ['worker-1']);
});

test('limit and namespace list', () => {
  assert.equal(filterEntities(entities, createFilter(), 2).length, 2);
  assert.deepEqual(namespacesOf(entities), ['pay', 'shop']);
});
