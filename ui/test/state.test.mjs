import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTopologyUpdate, createChange, createTopologyState, connectionsOf } from '../js/state.js';

const entity = (id, extra = {}) => ({ id, kind: 'pod', name: id, namespace: 'shop', health: 1, x: 0, y: 0, z: 0, ...extra });
const connection = (s, t, kind = 'http') => ({ id: `${s}->${t}:${kind}`, source_id: s, target_id: t, kind, requests_per_sec: 1 });
const full = (entities, connections = [], revision = 10) => ({ kind: 'full', revision, topology: { revision, entities, connections } });

function seeded() {
  const state = createTopologyState();
  applyTopologyUpdate(state, full([entity('a'), entity('b'), entity('c', { health: 0.3 })], [connection('a', 'b'), connection('b', 'c')]));
  return state;
}

test('full replaces the state and records adds', () => {
  const state = createTopologyState();
  const change = applyTopologyUpdate(state, full([entity('a'), entity('b')], [connection('a', 'b')], 7));
  assert.equal(state.revision, 7);
  assert.equal(state.entities.size, 2);
  assert.equal(state.connections.size, 1);
  assert.equal(change.full, true);
  assert.deepEqual([...change.entities], [['a', 'add'], ['b', 'add']]);
});

test('a second full drops what it no longer lists, connections included', () => {
  const state = seeded();
  const change = applyTopologyUpdate(state, full([entity('a'), entity('d')], [], 20));
  assert.deepEqual([...state.entities.keys()].sort(), ['a', 'd']);
  assert.equal(state.connections.size, 0);
  assert.equal(change.entities.get('b'), 'remove');
  assert.equal(change.entities.get('d'), 'add');
  assert.equal(change.entities.get('a'), 'update');
  assert.equal(change.connections.get('a->b:http'), 'remove');
  assert.deepEqual(state.bands, { healthy: 2, warning: 0, critical: 0 });
});

test('add inserts an entity; add of a known id is an update', () => {
  const state = seeded();
  let change = applyTopologyUpdate(state, { kind: 'add', revision: 11, entity: entity('d') });
  assert.equal(state.entities.get('d').name, 'd');
  assert.equal(change.entities.get('d'), 'add');
  change = applyTopologyUpdate(state, { kind: 'add', revision: 12, entity: entity('d', { name: 'renamed' }) });
  assert.equal(change.entities.get('d'), 'update');
  assert.equal(state.entities.get('d').name, 'renamed');
  assert.equal(state.revision, 12);
});

test('update replaces the entity and moves it between health bands', () => {
  const state = seeded();
  assert.deepEqual(state.bands, { healthy: 2, warning: 0, critical: 1 });
  const change = applyTopologyUpdate(state, { kind: 'update', revision: 11, entity: entity('a', { health: 0.6 }) });
  assert.equal(state.entities.get('a').health, 0.6);
  assert.equal(change.entities.get('a'), 'update');
  assert.deepEqual(state.bands, { healthy: 1, warning: 1, critical: 1 });
});

test('update of an unknown id is an upsert', () => {
  const state = seeded();
  const change = applyTopologyUpdate(state, { kind: 'update', revision: 11, entity: entity('z') });
  assert.ok(state.entities.has('z'));
  assert.equal(change.entities.get('z'), 'add');
});

test('remove takes the entity and every connection touching it', () => {
  const state = seeded();
  const change = applyTopologyUpdate(state, { kind: 'remove', revision: 11, entity: { id: 'b', kind: 'pod' } });
  assert.equal(state.entities.has('b'), false);
  assert.equal(state.connections.size, 0, 'a->b and b->c both go');
  assert.equal(change.entities.get('b'), 'remove');
  assert.equal(change.connections.get('a->b:http'), 'remove');
  assert.equal(change.connections.get('b->c:http'), 'remove');
  assert.deepEqual(connectionsOf(state, 'a'), []);
  assert.deepEqual(state.bands, { healthy: 1, warning: 0, critical: 1 });
});

test('remove of an unknown id changes nothing', () => {
  const state = seeded();
  const change = applyTopologyUpdate(state, { kind: 'remove', revision: 11, entity: { id: 'nope', kind: 'pod' } });
  assert.equal(change.entities.size, 0);
  assert.equal(state.entities.size, 3);
});

test('conn_add links two existing entities; a dangling one is ignored', () => {
  const state = seeded();
  let change = applyTopologyUpdate(state, { kind: 'conn_add', revision: 11, connection: connection('c', 'a', 'grpc') });
  assert.equal(change.connections.get('c->a:grpc'), 'add');
  assert.equal(connectionsOf(state, 'a').length, 2);
  change = applyTopologyUpdate(state, { kind: 'conn_add', revision: 12, connection: connection('a', 'ghost') });
  assert.equal(change.connections.size, 0);
  assert.equal(state.connections.has('a->ghost:http'), false);
});

test('conn_add of a known id updates it', () => {
  const state = seeded();
  const change = applyTopologyUpdate(state, { kind: 'conn_add', revision: 11, connection: { ...connection('a', 'b'), requests_per_sec: 50 } });
  assert.equal(change.connections.get('a->b:http'), 'update');
  assert.equal(state.connections.get('a->b:http').requests_per_sec, 50);
});

test('conn_update of a known id updates it like conn_add', () => {
  const state = seeded();
  const change = applyTopologyUpdate(state, { kind: 'conn_update', revision: 11, connection: { ...connection('a', 'b'), requests_per_sec: 75 } });
  assert.equal(change.connections.get('a->b:http'), 'update');
  assert.equal(state.connections.get('a->b:http').requests_per_sec, 75);
});

test('conn_remove drops the connection from both ends', () => {
  const state = seeded();
  const change = applyTopologyUpdate(state, { kind: 'conn_remove', revision: 11, connection: { id: 'a->b:http' } });
  assert.equal(change.connections.get('a->b:http'), 'remove');
  assert.equal(state.connections.has('a->b:http'), false);
  assert.equal(state.links.get('a').size, 0);
  assert.equal(state.links.get('b').size, 1);
});

test('unknown update kinds and malformed updates are ignored', () => {
  const state = seeded();
  const before = state.revision;
  assert.equal(applyTopologyUpdate(state, { kind: 'future_kind', revision: 99 }).entities.size, 0);
  assert.equal(applyTopologyUpdate(state, null).entities.size, 0);
  assert.equal(applyTopologyUpdate(state, { kind: 'add', revision: 100 }).entities.size, 0);
  assert.equal(state.revision, 100 > before ? 100 : before);
});

test('a batch collapses add→update into add and add→remove into nothing', () => {
  const state = seeded();
  const change = createChange();
  applyTopologyUpdate(state, { kind: 'add', revision: 11, entity: entity('n') }, change);
  applyTopologyUpdate(state, { kind: 'update', revision: 12, entity: entity('n', { health: 0.2 }) }, change);
  assert.equal(change.entities.get('n'), 'add');
  applyTopologyUpdate(state, { kind: 'remove', revision: 13, entity: { id: 'n', kind: 'pod' } }, change);
  assert.equal(change.entities.has('n'), false);
  applyTopologyUpdate(state, { kind: 'remove', revision: 14, entity: { id: 'a', kind: 'pod' } }, change);
  applyTopologyUpdate(state, { kind: 'add', revision: 15, entity: entity('a') }, change);
  assert.equal(change.entities.get('a'), 'update', 'removed then re-added within a batch is an update');
});

test('a delta the state already includes is skipped', () => {
  const state = seeded(); // full at revision 10
  const change = applyTopologyUpdate(state, { kind: 'update', revision: 9, entity: entity('a', { health: 0.1 }) });
  assert.equal(change.entities.size, 0);
  assert.equal(state.entities.get('a').health, 1);
  applyTopologyUpdate(state, { kind: 'update', revision: 11, entity: entity('a', { health: 0.1 }) });
  assert.equal(state.entities.get('a').health, 0.1);
  applyTopologyUpdate(state, full([entity('x')], [], 3));
  assert.equal(state.revision, 3, 'a full from a restarted server is always taken');
  applyTopologyUpdate(state, { kind: 'add', revision: 4, entity: entity('y') });
  assert.ok(state.entities.has('y'));
});

test('kind and namespace counts follow adds, moves and removes (panels read them instead of walking every entity)', () => {
  const state = seeded();
  assert.deepEqual([...state.kinds], [['pod', 3]]);
  assert.deepEqual([...state.namespaces], [['shop', 3]]);
  applyTopologyUpdate(state, { kind: 'add', revision: 11, entity: entity('s', { kind: 'service', namespace: 'pay' }) });
  applyTopologyUpdate(state, { kind: 'update', revision: 12, entity: entity('a', { namespace: 'pay' }) });
  applyTopologyUpdate(state, { kind: 'add', revision: 13, entity: entity('n', { kind: 'node', namespace: '' }) });
  assert.deepEqual(Object.fromEntries(state.kinds), { pod: 3, service: 1, node: 1 });
  assert.deepEqual(Object.fromEntries(state.namespaces), { shop: 2, pay: 2 });
  applyTopologyUpdate(state, { kind: 'remove', revision: 14, entity: { id: 's' } });
  applyTopologyUpdate(state, { kind: 'remove', revision: 15, entity: { id: 'n' } });
  assert.deepEqual(Object.fromEntries(state.kinds), { pod: 3 });
  assert.deepEqual(Object.fromEntries(state.namespaces), { shop: 2, pay: 1 });
  applyTopologyUpdate(state, full([entity('x', { namespace: 'ops' })], [], 30));
  assert.deepEqual(Object.fromEntries(state.kinds), { pod: 1 });
  assert.deepEqual(Object.fromEntries(state.namespaces), { ops: 1 });
});

test('a patch (delta=patch) merges its changed fields into the entity held; an unknown id is ignored', () => {
  const state = seeded();
  const before = state.entities.get('c');
  const change = applyTopologyUpdate(state, { kind: 'update', op: 'patch', revision: 11, id: 'c', set: { health: 0.9, labels: { app: 'web' } } });
  const after = state.entities.get('c');
  assert.equal(after.health, 0.9);
  assert.deepEqual(after.labels, { app: 'web' });
  assert.equal(after.name, 'c', 'fields the patch does not name are kept');
  assert.notEqual(after, before, 'a new object, so holders of the old one see no change under them');
  assert.equal(change.entities.get('c'), 'update');
  assert.deepEqual(state.bands, { healthy: 3, warning: 0, critical: 0 });
  assert.equal(state.revision, 11);

  applyTopologyUpdate(state, { kind: 'update', op: 'patch', revision: 12, id: 'nope', set: { health: 0 } });
  assert.equal(state.entities.has('nope'), false);
});
