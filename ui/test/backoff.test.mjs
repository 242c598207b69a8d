import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, backoffSchedule } from '../js/backoff.js';

test('nominal schedule is 1, 2, 4, 8, 16 s and stays at 16 s', () => {
  assert.deepEqual(backoffSchedule(7), [1000, 2000, 4000, 8000, 16000, 16000, 16000]);
});

test('jitter stays within ±20 % of the nominal delay', () => {
  for (let attempt = 0; attempt < 8; attempt++) {
    const nominal = Math.min(16000, 1000 * 2 ** attempt);
    assert.equal(backoffDelay(attempt, () => 0), Math.round(nominal * 0.8));
    assert.equal(backoffDelay(attempt, () => 0.999999), Math.round(nominal * 1.2));
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(attempt);
      assert.ok(d >= nominal * 0.8 - 1 && d <= nominal * 1.2 + 1, `${d} outside jitter of ${nominal}`);
    }
  }
});

test('jitter spreads clients apart', () => {
  const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(3)));
  assert.ok(delays.size > 5);
});

test('negative or fractional attempts are clamped', () => {
  assert.equal(backoffDelay(-3, () => 0.5), 1000);
  assert.equal(backoffDelay(1.7, () => 0.5), 2000);
});
