// Layout fallback, sizing and meshes: the pure parts behind the renderer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackPosition, hasServerPosition, targetPosition, clusterCenter } from '../js/layout.js';
import { entitySize, entityFlags, particleCount, EDGE_STYLES } from '../js/appearance.js';
import { MESH_KINDS, meshFor } from '../js/render/meshes.js';
import { ENTITY_KINDS, CONNECTION_KINDS } from '../js/config.js';

const pod = (id, ns, extra = {}) => ({ id, kind: 'pod', name: id, namespace: ns, x: 0, y: 0, z: 0, health: 1, ...extra });
const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

test('entities at the origin get a deterministic spot near their namespace', () => {
  const a = fallbackPosition(pod('k8s:pod/shop/a', 'shop'));
  assert.deepEqual(a, fallbackPosition(pod('k8s:pod/shop/a', 'shop')), 'same id, same place');
  const center = clusterCenter('shop');
  assert.ok(dist(a, center) < 20, 'near its namespace');
  const others = Array.from({ length: 50 }, (_, i) => fallbackPosition(pod(`k8s:pod/shop/p${i}`, 'shop')));
  const distinct = new Set(others.map((p) => p.map((v) => v.toFixed(2)).join()));
  assert.equal(distinct.size, 50, 'never a single blob');
  assert.ok(dist(clusterCenter('shop'), clusterCenter('payments')) > 1, 'namespaces apart');
});

test('server positions win once the layout has placed an entity', () => {
  const placed = pod('x', 'shop', { x: 1.5, y: -3, z: 0.25 });
  assert.ok(hasServerPosition(placed));
  assert.deepEqual(targetPosition(placed), [1.5, -3, 0.25]);
  assert.ok(!hasServerPosition(pod('y', 'shop')));
  assert.notDeepEqual(targetPosition(placed, 'type'), [1.5, -3, 0.25], 'the by-type preset groups by kind instead');
});

test('sizes follow the plan: fixed large namespace, fixed small secret, growth with load', () => {
  const ns = entitySize({ kind: 'namespace' });
  const secret = entitySize({ kind: 'secret' });
  assert.ok(ns > 5 * secret);
  assert.ok(entitySize({ kind: 'pod', cpu_percent: 90 }) > entitySize({ kind: 'pod', cpu_percent: 1 }));
  assert.ok(entitySize({ kind: 'service' }, 12) > entitySize({ kind: 'service' }, 0), 'connection count');
  assert.ok(entitySize({ kind: 'container', memory_limit: 2 ** 32 }) > entitySize({ kind: 'container', memory_limit: 2 ** 24 }));
  for (const kind of ENTITY_KINDS) assert.ok(entitySize({ kind }) > 0);
});

test('flags: processing spins, health below 0.5 pulses', () => {
  assert.equal(entityFlags({ status: 'processing', health: 0.9 }), 1);
  assert.equal(entityFlags({ status: 'running', health: 0.4 }), 2);
  assert.equal(entityFlags({ status: 'processing', health: 0.1 }), 3);
  assert.equal(entityFlags({ status: 'running', health: 0.5 }), 0);
});

test('particles only on http, grpc and nats, growing with request rate', () => {
  for (const kind of CONNECTION_KINDS) assert.ok(EDGE_STYLES[kind], `style for ${kind}`);
  assert.equal(particleCount('network', 1000), 0);
  assert.equal(particleCount('http', 0), 0);
  assert.ok(particleCount('grpc', 1) >= 1);
  assert.ok(particleCount('nats', 1000) > particleCount('nats', 1));
  assert.ok(particleCount('http', 1e9) <= 4);
});

test('every kind has a mesh that fits the unit ball, and shapes are distinct', () => {
  const signatures = new Set();
  for (const kind of ENTITY_KINDS) {
    assert.ok(MESH_KINDS.includes(kind), `${kind} has its own mesh`);
    const { positions, normals } = meshFor(kind);
    assert.ok(positions.length >= 9 && positions.length % 9 === 0, `${kind}: whole triangles`);
    assert.equal(normals.length, positions.length);
    let max = 0;
    for (let i = 0; i < positions.length; i += 3) max = Math.max(max, Math.hypot(positions[i], positions[i + 1], positions[i + 2]));
    assert.ok(max <= 1.05 && max > 0.5, `${kind}: radius ${max}`);
    const ext = [0, 1, 2].map((axis) => { let m = 0; for (let i = axis; i < positions.length; i += 3) m = Math.max(m, positions[i]); return m.toFixed(2); });
    const mass = positions.reduce((sum, v) => sum + Math.abs(v), 0).toFixed(1);
    signatures.add(`${positions.length}|${ext}|${mass}`);
  }
  assert.equal(signatures.size, ENTITY_KINDS.length, 'no two kinds share a shape');
});

test('platonic solids have the right face counts', () => {
  const tris = (kind) => meshFor(kind).positions.length / 9;
  assert.equal(tris('secret'), 4, 'tetrahedron');
  assert.equal(tris('service'), 8, 'octahedron');
  assert.equal(tris('container'), 12, 'cube');
  assert.equal(tris('configmap'), 20, 'icosahedron');
  assert.equal(tris('deployment'), 36, 'dodecahedron: 12 pentagons');
});
