// Clusters (issue 20): an edge merging several clusters gives every id its
// cluster (`k8s@prod:pod/a/b`); the UI counts, filters, groups and links by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_CLUSTER, clusterOf } from '../js/cluster.js';
import { createFilter, isFilterEmpty, matchesFilter } from '../js/filter.js';
import { groupCenter, groupKey, targetPosition } from '../js/layout.js';
import { applyTopologyUpdate, createTopologyState } from '../js/state.js';
import { decodeView, encodeView } from '../js/url-state.js';

const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const e = (id, extra = {}) => ({ id, kind: 'pod', name: id, namespace: 'shop', source: 'kubernetes', health: 1, ...extra });

test('the cluster is read from the id as the server reads it', () => {
  assert.equal(clusterOf({ id: 'k8s@prod:pod/shop/a' }), 'prod');
  assert.equal(clusterOf({ id: '@west:web' }), 'west', 'an id with no prefix of its own, stamped by an edge');
  assert.equal(clusterOf({ id: 'docker@build-host:container/x' }), 'build-host');
  assert.equal(clusterOf({ id: 'k8s:pod/shop/a' }), NO_CLUSTER);
  assert.equal(clusterOf({ id: 'web' }), NO_CLUSTER);
  assert.equal(clusterOf({}), NO_CLUSTER);
  // Only the prefix counts: an @ after the first colon is part of the name.
  assert.equal(clusterOf({ id: 'api:user@example' }), NO_CLUSTER);
});

test('clusters are counted, and the filter keeps one cluster', () => {
  const state = createTopologyState();
  applyTopologyUpdate(state, { kind: 'full', revision: 1, topology: { entities: [
    e('k8s@east:pod/shop/a'), e('k8s@east:pod/shop/b'), e('k8s@west:pod/shop/a'), e('k8s:pod/shop/c'),
  ], connections: [] } });
  assert.deepEqual(Object.fromEntries(state.clusters), { east: 2, west: 1, [NO_CLUSTER]: 1 });
  applyTopologyUpdate(state, { kind: 'remove', revision: 2, entity: { id: 'k8s@east:pod/shop/b' } });
  assert.equal(state.clusters.get('east'), 1);

  const filter = createFilter();
  filter.clusters.add('west');
  assert.ok(!isFilterEmpty(filter));
  assert.ok(matchesFilter(state.entities.get('k8s@west:pod/shop/a'), filter));
  assert.ok(!matchesFilter(state.entities.get('k8s@east:pod/shop/a'), filter));
});

test('the cluster preset groups by cluster, namespaces inside, and labels each group', () => {
  const eastA = e('k8s@east:pod/shop/a'), eastB = e('k8s@east:pod/web/b', { namespace: 'web' }), westA = e('k8s@west:pod/shop/a');
  assert.equal(groupKey(eastA, 'cluster'), 'east');
  const east = groupCenter('cluster', 'east'), west = groupCenter('cluster', 'west');
  assert.ok(dist(east, west) > 50, 'clusters apart');
  assert.ok(dist(targetPosition(eastA, 'cluster'), east) < dist(targetPosition(eastA, 'cluster'), west));
  assert.ok(dist(targetPosition(eastB, 'cluster'), east) < dist(targetPosition(eastB, 'cluster'), west));
  assert.ok(dist(targetPosition(westA, 'cluster'), west) < dist(targetPosition(westA, 'cluster'), east));
  assert.deepEqual(targetPosition(eastA, 'cluster'), targetPosition({ ...eastA }, 'cluster'), 'deterministic');
});

test('the cluster filter and preset live in the URL', () => {
  const filter = createFilter();
  filter.clusters.add('west');
  filter.clusters.add(NO_CLUSTER);
  const search = encodeView({ filter, preset: 'cluster' });
  assert.equal(search, '?cluster=(none),west&layout=cluster');
  const back = decodeView(search);
  assert.equal(back.preset, 'cluster');
  assert.deepEqual([...back.filter.clusters].sort(), [NO_CLUSTER, 'west']);
});
