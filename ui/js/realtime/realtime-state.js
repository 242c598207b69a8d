// The state of the jobs overlay (seed 004's RealtimeState), folded from the
// WebSocket `jobs` channel's envelopes. Pure: no DOM, no sockets, so node
// --test drives it (ui/test/realtime.test.mjs) and the gallery renders fixtures.

// Keys each job message's payload must hold (the server's WebSocketMessageType).
const REQUIRED = {
  progress: ['job_id', 'progress'],
  plugin_status: ['plugin', 'status'],
  frame: ['job_id'],
  warning: ['message'],
  error: ['code', 'message'],
  metadata: [],
};

export const PLUGIN_STATUSES = ['started', 'running', 'completed', 'failed'];

/** What is wrong with an envelope, or [] when it is a valid job message. */
export function envelopeProblems(env) {
  if (!env || typeof env !== 'object') return ['not an object'];
  if (typeof env.type !== 'string') return ["missing string 'type'"];
  if (!(env.type in REQUIRED)) return [`not a job message: '${env.type}'`];
  if (typeof env.timestamp !== 'string') return [`${env.type}: missing string 'timestamp'`];
  if (!env.payload || typeof env.payload !== 'object') return [`${env.type}: missing object 'payload'`];
  return REQUIRED[env.type].filter((key) => env.payload[key] === undefined || env.payload[key] === null)
    .map((key) => `${env.type}: payload lacks '${key}'`);
}

export function createRealtimeState() {
  return {
    jobId: null,
    state: null,
    progress: 0,
    stage: null,
    plugin: null,
    pluginTimings: {},
    pluginStatus: {},
    pluginMetadata: {},
    warnings: [],
    errors: [],
    frameRevision: null,
    rejected: 0,
  };
}

const clamp = (n) => Math.max(0, Math.min(100, Math.round(Number(n) || 0)));

/** The state after one envelope; invalid ones are counted and change nothing else. */
export function applyRealtimeMessage(state, env) {
  if (envelopeProblems(env).length > 0) return { ...state, rejected: state.rejected + 1 };
  const p = env.payload;
  // A message of another job starts a fresh picture (the newest job wins).
  let s = state;
  if (p.job_id && p.job_id !== state.jobId) s = { ...createRealtimeState(), rejected: state.rejected, jobId: p.job_id };
  switch (env.type) {
    case 'progress':
      return { ...s, progress: clamp(p.progress), state: p.state ?? s.state, stage: p.stage ?? s.stage };
    case 'plugin_status': {
      const next = { ...s, plugin: p.plugin, pluginStatus: { ...s.pluginStatus, [p.plugin]: p.status } };
      if (typeof p.seconds === 'number') next.pluginTimings = { ...s.pluginTimings, [p.plugin]: p.seconds };
      return next;
    }
    case 'warning':
      return { ...s, warnings: [...s.warnings, { plugin: p.plugin ?? null, message: p.message }] };
    case 'error':
      return { ...s, errors: [...s.errors, { plugin: p.plugin ?? null, message: p.message }] };
    case 'frame':
      return { ...s, frameRevision: p.revision ?? null };
    case 'metadata': {
      const pluginMetadata = { ...s.pluginMetadata };
      for (const plugin of p.plugins ?? []) pluginMetadata[plugin.name] = plugin;
      return { ...s, pluginMetadata };
    }
    default:
      return s;
  }
}

/** What the progress bar shows. */
export function progressModel(state) {
  const value = clamp(state.progress);
  const finished = ['completed', 'failed', 'cancelled'].includes(state.state);
  const label = state.jobId == null ? 'No job yet'
    : finished ? `${state.state[0].toUpperCase()}${state.state.slice(1)}`
    : value === 0 ? 'Starting…' : `${value}%`;
  return { value, label, stage: state.stage ?? '', plugin: state.plugin ?? '', busy: state.jobId != null && !finished };
}

/** One row per plugin, in the order they appear: status, timing (with a bar
 *  scaled to the slowest), warnings and errors, metadata. */
export function inspectorRows(state) {
  const names = [...new Set([
    ...Object.keys(state.pluginMetadata), ...Object.keys(state.pluginStatus), ...Object.keys(state.pluginTimings),
  ])];
  const slowest = Math.max(0, ...Object.values(state.pluginTimings));
  return names.map((name) => {
    const seconds = state.pluginTimings[name];
    const meta = state.pluginMetadata[name] ?? null;
    return {
      name,
      status: state.pluginStatus[name] ?? 'pending',
      seconds: seconds ?? null,
      barPercent: seconds == null || slowest === 0 ? 0 : Math.max(1, Math.round((seconds / slowest) * 100)),
      warnings: state.warnings.filter((w) => w.plugin === name).map((w) => w.message),
      errors: state.errors.filter((e) => e.plugin === name).map((e) => e.message),
      stage: meta?.stage ?? null,
      version: meta?.version ?? null,
      capabilities: meta?.capabilities ?? [],
    };
  });
}

/** Seconds as the inspector shows them. */
export function formatSeconds(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  return `${seconds.toFixed(2)} s`;
}
