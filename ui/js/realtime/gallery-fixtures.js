// The overlay's states for /gallery (seed 004's stories), as the envelopes
// the jobs channel would send. The gallery folds them with the app's own
// reducer and renders them with the app's own components.
const ts = '2026-12-06T10:00:00.000Z';
const env = (type, payload) => ({ type, payload, timestamp: ts });
const job = 'job-7';

const metadata = env('metadata', {
  job_id: job,
  plugins: [
    { name: 'kubernetes@prod', stage: 'source', version: '1', capabilities: ['collect', 'rescan'], instance: 'kubernetes@prod' },
    { name: 'nats', stage: 'source', version: '1', capabilities: ['collect', 'rescan'], instance: 'nats' },
    { name: 'health', stage: 'health', version: '1', capabilities: ['score'], instance: null },
  ],
});
const running = (progress, stage) => env('progress', { job_id: job, kind: 'rescan', state: 'running', progress, stage });
const status = (plugin, s, seconds = null) => env('plugin_status', { job_id: job, plugin, status: s, seconds });
const firstHalf = [
  running(0, null), metadata,
  status('kubernetes@prod', 'started'), status('kubernetes@prod', 'completed', 1.42), running(33, 'kubernetes@prod'),
  status('nats', 'started'), status('nats', 'completed', 0.31), running(50, 'nats'),
];
const complete = [
  ...firstHalf,
  status('health', 'started'), status('health', 'completed', 0.012),
  env('frame', { job_id: job, revision: 1204, topology: { kind: 'full' } }),
  env('progress', { job_id: job, kind: 'rescan', state: 'completed', progress: 100, stage: 'health' }),
];

export const GALLERY_STATES = {
  default: { title: 'Default (sample data)', theme: 'light', messages: complete },
  loading: { title: 'Loading (0 %)', theme: 'light', messages: [running(0, null), metadata] },
  progress: { title: 'In progress (50 %)', theme: 'light', messages: firstHalf },
  complete: { title: 'Complete (100 %)', theme: 'light', messages: complete },
  warnings: {
    title: 'With warnings', theme: 'light',
    messages: [
      ...firstHalf,
      env('warning', { job_id: job, plugin: 'nats', message: 'flow sampler reconnecting' }),
      env('warning', { job_id: job, plugin: 'kubernetes@prod', message: '3 pods had no metrics' }),
    ],
  },
  errors: {
    title: 'With errors', theme: 'light',
    messages: [
      running(0, null), metadata,
      status('kubernetes@prod', 'started'), status('kubernetes@prod', 'failed', 5.0),
      env('error', { job_id: job, plugin: 'kubernetes@prod', code: 'plugin_failed', message: 'kubernetes@prod: the API server is unreachable' }),
      running(33, 'kubernetes@prod'),
    ],
  },
  dark: { title: 'Dark mode', theme: 'dark', messages: complete },
};
