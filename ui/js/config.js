// One place for thresholds and defaults, so the UI and its tests agree.

/** Health bands from PROTOCOL.md: healthy >= 0.8, warning 0.5..<0.8, critical < 0.5. */
export const HEALTH = Object.freeze({ healthy: 0.8, warning: 0.5 });

/** Reconnection: 1, 2, 4, 8, 16 s, each stretched or shrunk by up to ±20 %. */
export const BACKOFF = Object.freeze({ baseMs: 1000, maxMs: 16000, jitter: 0.2 });

/** After this many failed stream attempts in a row the client also polls the snapshot. */
export const POLL_AFTER_FAILURES = 3;
export const POLL_INTERVAL_MS = 5000;
/** After this many failures with nothing reachable, the status says Offline. */
export const OFFLINE_AFTER_FAILURES = 6;

/** Updates arriving within this window are applied together (phase 2 seed). */
export const BATCH_WINDOW_MS = 100;

/** Animation lengths, shared by the renderer's shaders and its CPU-side bookkeeping. */
export const ANIM = Object.freeze({ fadeMs: 450, moveMs: 900, pulseMs: 600 });

/** How many events the feed keeps in memory. */
export const EVENT_FEED_LIMIT = 300;

/** Every entity kind of the protocol, in display order. */
export const ENTITY_KINDS = Object.freeze([
  'namespace', 'node', 'deployment', 'replicaset', 'statefulset', 'daemonset',
  'job', 'cronjob', 'pod', 'container', 'service', 'ingress', 'configmap',
  'secret', 'volume', 'database', 'nats_subject', 'nats_stream', 'custom',
]);

export const CONNECTION_KINDS = Object.freeze(['network', 'http', 'grpc', 'nats', 'volume', 'depends', 'owns']);

export const STATUSES = Object.freeze(['running', 'pending', 'failed', 'terminating', 'unknown', 'processing']);

export const SEVERITIES = Object.freeze(['info', 'warning', 'error', 'critical']);
