import test from 'node:test';
import assert from 'node:assert/strict';
import { meshDetail, pixelsPerUnit } from '../js/render/lod.js';
import { MESH_KINDS, meshFor } from '../js/render/meshes.js';

const cam = (distance) => ({ distance, fovY: Math.PI / 4 });

test('far away draws low detail, close draws full, with hysteresis', () => {
  assert.equal(meshDetail(cam(40), 800), 1);
  assert.equal(meshDetail(cam(2000), 800), 0);
  // Between the thresholds the previous choice holds.
  const d = 800 / (2 * Math.tan(Math.PI / 8) * 4);
  assert.ok(pixelsPerUnit(cam(d), 800) > 3.5 && pixelsPerUnit(cam(d), 800) < 4.5);
  assert.equal(meshDetail(cam(d), 800, 1), 1);
  assert.equal(meshDetail(cam(d), 800, 0), 0);
});

test('low-detail meshes are never heavier, and lighter for the expensive kinds', () => {
  const tris = (kind, detail) => meshFor(kind, detail).positions.length / 9;
  for (const kind of MESH_KINDS) assert.ok(tris(kind, 0) <= tris(kind, 1), kind);
  for (const kind of ['namespace', 'pod', 'database', 'cronjob', 'nats_subject']) assert.ok(tris(kind, 0) < tris(kind, 1) / 1.5, kind);
  for (const kind of MESH_KINDS) {
    const { positions } = meshFor(kind, 0);
    for (let i = 0; i < positions.length; i += 3) assert.ok(Math.hypot(positions[i], positions[i + 1], positions[i + 2]) <= 1.05, `${kind} fits the unit ball (the torus tube pokes out by its radius)`);
  }
});

test('edges: everything up close, lines only far away, nothing far away when very many', async () => {
  const { edgeDetail, FAR_EDGE_LIMIT } = await import('../js/render/lod.js');
  assert.equal(edgeDetail(1, 100_000), 2);
  assert.equal(edgeDetail(0, FAR_EDGE_LIMIT), 1);
  assert.equal(edgeDetail(0, FAR_EDGE_LIMIT + 1), 0);
});
