// Upload planning for record buffers: only touched records go to the GPU.
import test from 'node:test';
import assert from 'node:assert/strict';
import { planUploads, rangeSlots } from '../js/render/dirty-ranges.js';
import { SlotBuffer } from '../js/render/slot-buffer.js';

test('scattered touches become separate runs, not one span', () => {
  const ranges = planUploads([9000, 3, 5000, 4], 10000, { maxGap: 2 });
  assert.deepEqual(ranges, [[3, 4], [5000, 5000], [9000, 9000]]);
  assert.equal(rangeSlots(ranges), 4);
});

test('nearby runs merge across small gaps', () => {
  assert.deepEqual(planUploads([1, 3, 10], 100, { maxGap: 1 }), [[1, 3], [10, 10]]);
  assert.deepEqual(planUploads([1, 3, 10], 100, { maxGap: 6 }), [[1, 10]]);
});

test('slots past the live count are dropped (freed since they were touched)', () => {
  assert.deepEqual(planUploads([2, 7, 8], 5), [[2, 2]]);
  assert.deepEqual(planUploads([7, 8], 5), []);
  assert.deepEqual(planUploads([], 5), []);
});

test('too many runs: the smallest gaps close first, every touched slot stays covered', () => {
  const slots = [0, 10, 12, 40, 41, 100, 103, 500];
  const ranges = planUploads(slots, 1000, { maxGap: 0, maxRanges: 3 });
  assert.equal(ranges.length, 3);
  for (const s of slots) assert.ok(ranges.some(([a, b]) => s >= a && s <= b), `slot ${s} covered`);
  assert.deepEqual(ranges, [[0, 41], [100, 103], [500, 500]]);
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i][0] > ranges[i - 1][1], 'ascending, disjoint');
});

function fakeGl() {
  const calls = [];
  return {
    calls,
    ARRAY_BUFFER: 1, DYNAMIC_DRAW: 2,
    createBuffer: () => ({}),
    bindBuffer() {},
    bufferData: (target, data) => calls.push(['data', data.length]),
    bufferSubData: (target, byteOffset, data, srcOffset, length) => calls.push(['sub', byteOffset / 4, length]),
  };
}

test('SlotBuffer uploads only the touched records after the first full upload', () => {
  const gl = fakeGl();
  const slots = new SlotBuffer(gl, 4, 8);
  for (let i = 0; i < 100; i++) slots.alloc(`e${i}`);
  slots.sync();
  assert.equal(gl.calls.at(-1)[0], 'data', 'grown: one full upload');
  gl.calls.length = 0;
  slots.touchId('e2');
  slots.touchId('e90');
  slots.touchId('e2');
  assert.ok(slots.needsSync);
  slots.sync();
  assert.deepEqual(gl.calls, [['sub', 8, 4], ['sub', 360, 4]]);
  assert.equal(slots.lastUploadFloats, 8);
  assert.ok(!slots.needsSync);
  gl.calls.length = 0;
  slots.sync();
  assert.deepEqual(gl.calls, [], 'nothing touched, nothing sent');
});

test('SlotBuffer: a freed record is replaced by the last one, which is uploaded in its place', () => {
  const gl = fakeGl();
  const slots = new SlotBuffer(gl, 2, 4);
  for (let i = 0; i < 20; i++) slots.alloc(`e${i}`);
  slots.sync();
  gl.calls.length = 0;
  slots.data.set([7, 7], slots.offsetOf('e19'));
  slots.touchId('e19');
  slots.free('e0');
  assert.equal(slots.offsetOf('e19'), 0);
  assert.deepEqual([...slots.data.subarray(0, 2)], [7, 7]);
  slots.sync();
  assert.deepEqual(gl.calls, [['sub', 0, 2]], 'slot 0 sent; slot 19 is past the count');
});

test('SlotBuffer: touching most records sends them in one call', () => {
  const gl = fakeGl();
  const slots = new SlotBuffer(gl, 2, 64);
  for (let i = 0; i < 64; i++) slots.alloc(`e${i}`);
  slots.sync();
  gl.calls.length = 0;
  for (let i = 0; i < 64; i += 2) slots.touchId(`e${i}`);
  slots.sync();
  assert.deepEqual(gl.calls, [['sub', 0, 128]]);
});
