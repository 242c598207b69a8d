import test from 'node:test';
import assert from 'node:assert/strict';
import { createScriptMeter } from '../js/script-meter.js';

test('script meter attributes wrapped time to frames per window', () => {
  let now = 0;
  const meter = createScriptMeter({ clock: () => now, windowMs: 1000 });
  for (let i = 0; i < 10; i++) {
    meter.measure(() => { now += 3; });   // frame work
    meter.measure(() => { now += 1; });   // a batch
    now += 96;
    meter.frame();
  }
  assert.equal(meter.last.frames, 10);
  assert.equal(meter.last.msPerFrame, 4);
  assert.equal(meter.last.msPerSecond, 40);
});

test('nested measures count once', () => {
  let now = 0;
  const meter = createScriptMeter({ clock: () => now, windowMs: 10 });
  meter.measure(() => { now += 2; meter.measure(() => { now += 3; }); });
  now += 5;
  meter.frame();
  assert.equal(meter.last.msPerFrame, 5);
});

test('measure returns the value and still counts on throw', () => {
  let now = 0;
  const meter = createScriptMeter({ clock: () => now, windowMs: 1 });
  assert.equal(meter.measure(() => 7), 7);
  assert.throws(() => meter.measure(() => { now += 2; throw new Error('x'); }));
  meter.frame();
  assert.equal(meter.last.msPerFrame, 2);
});
