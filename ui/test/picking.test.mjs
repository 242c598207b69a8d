import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestSegment, raySegment } from '../js/render/picking.js';

const ray = { origin: [0, 0, 10], dir: [0, 0, -1] };

test('a ray through the middle of a segment touches it', () => {
  const hit = raySegment(ray, [-5, 0, 0], [5, 0, 0]);
  assert.ok(Math.abs(hit.t - 10) < 1e-9);
  assert.ok(hit.distance < 1e-9);
});

test('the distance is to the nearest point of the segment, not of its line', () => {
  const hit = raySegment(ray, [2, 0, 0], [6, 0, 0]);
  assert.ok(Math.abs(hit.distance - 2) < 1e-9, `${hit.distance}`);
  const beside = raySegment(ray, [-5, 0.5, 0], [5, 0.5, 0]);
  assert.ok(Math.abs(beside.distance - 0.5) < 1e-9);
});

test('a segment behind the ray is not hit', () => {
  assert.equal(raySegment(ray, [-5, 0, 20], [5, 0, 20]), null);
});

test('a segment along the ray and a point-like segment still answer', () => {
  const along = raySegment(ray, [0, 1, 0], [0, 1, -5]);
  assert.ok(Math.abs(along.distance - 1) < 1e-9);
  const point = raySegment(ray, [0, 3, 0], [0, 3, 0]);
  assert.ok(Math.abs(point.distance - 3) < 1e-9 && Math.abs(point.t - 10) < 1e-9);
});

test('the nearest segment within the tolerance is picked, the eye-nearest of several', () => {
  const segments = [
    ['far', [-5, 0, -10], [5, 0, -10]],
    ['near', [-5, 0.1, 0], [5, 0.1, 0]],
    ['aside', [-5, 3, 0], [5, 3, 0]],
  ];
  assert.equal(nearestSegment(ray, segments, 0.02), 'near');
  assert.equal(nearestSegment(ray, segments.slice(2), 0.02), null, '3 units off at distance 10 is too far');
  assert.equal(nearestSegment(ray, segments.slice(2), 0.5), 'aside');
  assert.equal(nearestSegment(ray, [], 0.02), null);
});
