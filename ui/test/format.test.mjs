import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatKind, formatPercent, formatRate, formatRelativeTime, formatValue } from '../js/format.js';
import { healthBand, healthColor, healthCss } from '../js/health.js';

test('bytes use binary units', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(73400320), '70.0 MiB');
  assert.equal(formatBytes(268435456), '256.0 MiB');
  assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TiB');
  assert.equal(formatBytes(NaN), '–');
});

test('percent, rate and relative time', () => {
  assert.equal(formatPercent(0.934), '93%');
  assert.equal(formatPercent(0.125, 1), '12.5%');
  assert.equal(formatRate(0.5), '0.5');
  assert.equal(formatRate(42), '42');
  assert.equal(formatRate(1234), '1.2k');
  assert.equal(formatRate(2.5e6), '2.5M');
  const now = Date.parse('2026-11-23T10:00:00Z');
  assert.equal(formatRelativeTime('2026-11-23T09:59:57.000Z', now), '3s ago');
  assert.equal(formatRelativeTime('2026-11-23T09:55:00.000Z', now), '5m ago');
  assert.equal(formatRelativeTime('2026-11-23T08:00:00.000Z', now), '2h ago');
  assert.equal(formatRelativeTime('2026-11-19T10:00:00.000Z', now), '4d ago');
  assert.equal(formatRelativeTime('garbage', now), '–');
});

test('kinds and values', () => {
  assert.equal(formatKind('nats_subject'), 'NATS subject');
  assert.equal(formatKind('configmap'), 'ConfigMap');
  assert.equal(formatKind('pod'), 'Pod');
  assert.equal(formatValue({ app: 'web' }), '{"app":"web"}');
  assert.equal(formatValue(0.123456789), '0.1235');
  assert.equal(formatValue(null), '–');
});

test('health bands and colour ramp', () => {
  assert.equal(healthBand(0.8), 'healthy');
  assert.equal(healthBand(0.5), 'warning');
  assert.equal(healthBand(0.49), 'critical');
  assert.equal(healthBand(undefined), 'critical');
  const [r0, g0] = healthColor(0);
  const [r1, g1] = healthColor(1);
  assert.ok(r0 > g0, 'zero health is red');
  assert.ok(g1 > r1, 'full health is green');
  assert.match(healthCss(0.7), /^rgb\(\d+, \d+, \d+\)$/);
});
