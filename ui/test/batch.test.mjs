import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBatcher } from '../js/batch.js';

// A hand-driven clock: timers fire only when the test advances time.
function fakeTimers() {
  let now = 0;
  let timers = [];
  let next = 1;
  return {
    setTimer: (fn, ms) => { const id = next++; timers.push({ id, at: now + ms, fn }); return id; },
    clearTimer: (id) => { timers = timers.filter((t) => t.id !== id); },
    advance(ms) {
      now += ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        due.fn();
      }
    },
  };
}

test('items within 100 ms are flushed together, once', () => {
  const clock = fakeTimers();
  const flushed = [];
  const b = createBatcher((items) => flushed.push(items), { ...clock });
  b.push(1);
  clock.advance(40);
  b.push(2);
  clock.advance(59);
  b.push(3);
  assert.deepEqual(flushed, []);
  assert.equal(b.pending, 3);
  clock.advance(1);
  assert.deepEqual(flushed, [[1, 2, 3]]);
  assert.equal(b.pending, 0);
});

test('the window starts at the first item of each batch', () => {
  const clock = fakeTimers();
  const flushed = [];
  const b = createBatcher((items) => flushed.push(items), { ...clock });
  b.push('a');
  clock.advance(100);
  clock.advance(500);
  b.push('b');
  clock.advance(99);
  assert.deepEqual(flushed, [['a']]);
  clock.advance(1);
  assert.deepEqual(flushed, [['a'], ['b']]);
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

test('the default window is 100 ms', async () => {
  const flushed = [];
  const b = createBatcher((items) => flushed.push(items));
  const start = Date.now();
  b.push(1);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(flushed.length, 0);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(flushed.length, 1);
  assert.ok(Date.now() - start >= 100);
});
