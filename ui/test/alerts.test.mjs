import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAlertBook, loadAlerts, applyAlert, activeAlerts } from '../js/alerts.js';

const fired = (id, severity = 'warning') => ({ id, rule: id.split('/')[0], severity, subject: 'x', summary: id, state: 'firing', resolved_at: null });
const resolved = (id, at = '2026-12-06T10:00:00.000Z') => ({ ...fired(id), state: 'resolved', resolved_at: at });

test('a loaded list, then fires and resolves applied live', () => {
  const book = createAlertBook();
  loadAlerts(book, { enabled: true, active: [fired('cpu-high/a')], pending: [], resolved: [resolved('old/b')] });
  assert.deepEqual(activeAlerts(book).map((a) => a.id), ['cpu-high/a']);
  applyAlert(book, fired('source-down/k8s', 'critical'));
  assert.deepEqual(activeAlerts(book).map((a) => a.id), ['source-down/k8s', 'cpu-high/a']);
  applyAlert(book, resolved('cpu-high/a'));
  assert.deepEqual(activeAlerts(book).map((a) => a.id), ['source-down/k8s']);
  assert.deepEqual(book.resolved.map((a) => a.id), ['cpu-high/a', 'old/b']);
});

test('a repeated message changes nothing', () => {
  const book = createAlertBook();
  applyAlert(book, fired('crash-loop/p'));
  applyAlert(book, fired('crash-loop/p'));
  applyAlert(book, resolved('crash-loop/p'));
  applyAlert(book, resolved('crash-loop/p'));
  assert.equal(book.active.size, 0);
  assert.equal(book.resolved.length, 1);
});

test('resolved alerts are bounded', () => {
  const book = createAlertBook();
  for (let i = 0; i < 5; i++) applyAlert(book, resolved(`r/${i}`, `t${i}`), 3);
  assert.deepEqual(book.resolved.map((a) => a.id), ['r/4', 'r/3', 'r/2']);
});
