import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBatcher } from '../js/batch.js';

// A hand-driven clock: timers fire only when the test advances time.
function fakeTimers() {
  let now = 0;
  let timers = [];
  let next = 1;
  return {
    now: () => now,
    setTimer: (fn, ms) => { const id = next++; timers.push({ id, at: now + ms, fn }); return id; },
    clearTimer: (id) => { timers = timers.filter((t) => t.id !== id); },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = Math.max(now, due.at);
        due.fn();
      }
      now = end;
    },
  };
}

test('after a quiet spell the first item is flushed at once, on the next turn', () => {
  const clock = fakeTimers();
  const flushed = [];
  const b = createBatcher((items) => flushed.push(items), { ...clock });
  b.push(1);
  b.push(2); // same turn: same batch
  assert.deepEqual(flushed, []);
  clock.advance(0);
  assert.deepEqual(flushed, [[1, 2]]);
});

test('items within 100 ms of a flush wait for the window and go together, once', () => {
  const clock = fakeTimers();
  const flushed = [];
  const b = createBatcher((items) => flushed.push(items), { ...clock });
  b.push(0);
  clock.advance(0);
  b.push(1);
  clock.advance(40);
  b.push(2);
  clock.advance(59);
  b.push(3);
  assert.deepEqual(flushed, [[0]]);
  assert.equal(b.pending, 3);
  clock.advance(1);
  assert.deepEqual(flushed, [[0], [1, 2, 3]]);
  assert.equal(b.pending, 0);
});

test('a steady stream is flushed once per window', () => {
  const clock = fakeTimers();
  let calls = 0;
  const b = createBatcher(() => calls++, { ...clock });
  for (let t = 0; t < 1000; t += 5) { b.push(t); clock.advance(5); }
  assert.ok(calls >= 10 && calls <= 11, `${calls} flushes in 1 s`);
});

test('a burst of 1000 updates costs one flush', () => {
  const clock = fakeTimers();
  let calls = 0;
  const b = createBatcher(() => calls++, { ...clock });
  for (let i = 0; i < 1000; i++) b.push(i);
  clock.advance(100);
  assert.equal(calls, 1);
});

test('flushNow applies pending items at once; dispose drops them', () => {
  const clock = fakeTimers();
  const flushed = [];
  const b = createBatcher((items) => flushed.push(items), { ...clock });
  b.push(1);
  b.flushNow();
  assert.deepEqual(flushed, [[1]]);
  clock.advance(200);
  assert.equal(flushed.length, 1);
  b.push(2);
  b.dispose();
  clock.advance(200);
  assert.equal(flushed.length, 1);
});

test('with real timers, a second item right after a flush waits out the 100 ms window', async () => {
  const flushed = [];
  const b = createBatcher((items) => flushed.push(items));
  b.push(1);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(flushed.length, 1);
  const start = performance.now();
  b.push(2);
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(flushed.length, 1);
  while (flushed.length < 2) await new Promise((r) => setTimeout(r, 10));
  assert.ok(performance.now() - start >= 50);
});
