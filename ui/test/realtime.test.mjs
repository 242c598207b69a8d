import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyRealtimeMessage, createRealtimeState, envelopeProblems, formatSeconds, inspectorRows, progressModel,
} from '../js/realtime/realtime-state.js';

const ts = '2026-12-06T10:00:00.000Z';
const env = (type, payload) => ({ type, payload, timestamp: ts });
const fold = (messages) => messages.reduce(applyRealtimeMessage, createRealtimeState());

test('envelopes are validated: type, timestamp, payload and required keys', () => {
  assert.deepEqual(envelopeProblems(env('progress', { job_id: 'job-1', progress: 10 })), []);
  assert.deepEqual(envelopeProblems(env('progress', { job_id: 'job-1' })), ["progress: payload lacks 'progress'"]);
  assert.deepEqual(envelopeProblems({ type: 'warning', payload: { message: 'x' } }), ["warning: missing string 'timestamp'"]);
  assert.deepEqual(envelopeProblems(env('topology', {})), ["not a job message: 'topology'"]);
  assert.deepEqual(envelopeProblems(null), ['not an object']);
});

test('a rescan folds into progress, statuses, timings, warnings and metadata', () => {
  const s = fold([
    env('progress', { job_id: 'job-1', progress: 0, state: 'running', stage: null }),
    env('metadata', { job_id: 'job-1', plugins: [{ name: 'nats', stage: 'source', version: '1', capabilities: ['collect', 'rescan'] }] }),
    env('plugin_status', { job_id: 'job-1', plugin: 'nats', status: 'started', seconds: null }),
    env('warning', { job_id: 'job-1', plugin: 'nats', message: 'flow sampler reconnecting' }),
    env('plugin_status', { job_id: 'job-1', plugin: 'nats', status: 'completed', seconds: 0.5 }),
    env('progress', { job_id: 'job-1', progress: 50, state: 'running', stage: 'nats' }),
    env('plugin_status', { job_id: 'job-1', plugin: 'health', status: 'completed', seconds: 0.25 }),
    env('frame', { job_id: 'job-1', revision: 42, topology: {} }),
  ]);
  assert.equal(s.progress, 50);
  assert.deepEqual(s.pluginStatus, { nats: 'completed', health: 'completed' });
  assert.deepEqual(s.pluginTimings, { nats: 0.5, health: 0.25 });
  assert.equal(s.frameRevision, 42);
  const rows = inspectorRows(s);
  assert.deepEqual(rows.map((r) => [r.name, r.status, r.barPercent]), [['nats', 'completed', 100], ['health', 'completed', 50]]);
  assert.deepEqual(rows[0].warnings, ['flow sampler reconnecting']);
  assert.deepEqual(rows[0].capabilities, ['collect', 'rescan']);
  assert.deepEqual(progressModel(s), { value: 50, label: '50%', stage: 'nats', plugin: 'health', busy: true });
});

test('invalid messages are counted and change nothing; a new job starts afresh', () => {
  let s = fold([env('progress', { job_id: 'job-1', progress: 100, state: 'completed' })]);
  assert.equal(progressModel(s).label, 'Completed');
  assert.equal(progressModel(s).busy, false);
  s = applyRealtimeMessage(s, env('progress', { job_id: 'job-1' }));
  assert.equal(s.rejected, 1);
  assert.equal(s.progress, 100);
  s = applyRealtimeMessage(s, env('progress', { job_id: 'job-2', progress: 0, state: 'running' }));
  assert.equal(s.jobId, 'job-2');
  assert.equal(progressModel(s).label, 'Starting…');
  assert.equal(s.rejected, 1);
});

test('errors attach to their plugin; progress is clamped; seconds are formatted', () => {
  const s = fold([
    env('plugin_status', { job_id: 'job-3', plugin: 'docker', status: 'failed', seconds: 1.5 }),
    env('error', { job_id: 'job-3', plugin: 'docker', code: 'plugin_failed', message: 'docker: unreachable' }),
    env('progress', { job_id: 'job-3', progress: 140 }),
  ]);
  assert.deepEqual(inspectorRows(s)[0].errors, ['docker: unreachable']);
  assert.equal(s.progress, 100);
  assert.equal(progressModel(createRealtimeState()).label, 'No job yet');
  assert.equal(formatSeconds(0.0123), '12 ms');
  assert.equal(formatSeconds(2.5), '2.50 s');
  assert.equal(formatSeconds(null), '–');
});

test('every gallery state folds from valid messages into what it shows', async () => {
  const { GALLERY_STATES } = await import('../js/realtime/gallery-fixtures.js');
  const expected = { default: 100, loading: 0, progress: 50, complete: 100, warnings: 50, errors: 33, dark: 100 };
  for (const [name, story] of Object.entries(GALLERY_STATES)) {
    const s = fold(story.messages);
    assert.equal(s.rejected, 0, name);
    assert.equal(s.progress, expected[name], name);
  }
  assert.equal(fold(GALLERY_STATES.warnings.messages).warnings.length, 2);
  assert.equal(fold(GALLERY_STATES.errors.messages).errors.length, 1);
});
