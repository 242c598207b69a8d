import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceTitle } from '../js/panels/sources.js';

test('a source pill tooltip tells the last good cycle and a past error', () => {
  const now = new Date().toISOString();
  const title = sourceTitle({
    name: 'docker@build-host', state: 'ready', message: 'watching 12 containers', details: {},
    updated_at: now, last_good_at: now, last_error: 'dockerd unreachable', last_error_at: now,
  });
  assert.match(title, /^docker@build-host: ready/);
  assert.match(title, /last good cycle/);
  assert.match(title, /last error .*: dockerd unreachable/);
});

test('while failing, the error is the message, not repeated as a past one', () => {
  const title = sourceTitle({ name: 'postgres', state: 'error', message: 'refused', last_error: 'refused', last_good_at: null });
  assert.doesNotMatch(title, /last error/);
  assert.doesNotMatch(title, /last good/);
});
