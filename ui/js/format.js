// Formatting for panels and labels. Pure, locale-independent so tests are stable.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 73400320 → "70.0 MiB". */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[i]}`;
}

/** 0.934 → "93%"; `digits` decimals. */
export function formatPercent(fraction, digits = 0) {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Rates such as requests/s: 0.5 → "0.5", 1234 → "1.2k". */
export function formatRate(value) {
  if (!Number.isFinite(value)) return '–';
  const a = Math.abs(value);
  if (a >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (a >= 10 || Number.isInteger(value)) return value.toFixed(0);
  return value.toFixed(1);
}

/** "3s ago", "5m ago", "2h ago", "4d ago" relative to `now` (ms). */
export function formatRelativeTime(timestamp, now = Date.now()) {
  const t = typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
  if (!Number.isFinite(t)) return '–';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** "nats_subject" → "NATS subject", "configmap" → "ConfigMap". */
export function formatKind(kind) {
  const names = {
    nats_subject: 'NATS subject', nats_stream: 'NATS stream', configmap: 'ConfigMap',
    replicaset: 'ReplicaSet', statefulset: 'StatefulSet', daemonset: 'DaemonSet', cronjob: 'CronJob',
  };
  if (names[kind]) return names[kind];
  if (typeof kind !== 'string' || !kind) return 'unknown';
  return kind[0].toUpperCase() + kind.slice(1);
}

/** A field value for the details table: objects as compact JSON, numbers trimmed. */
export function formatValue(value) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(+value.toFixed(4));
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
