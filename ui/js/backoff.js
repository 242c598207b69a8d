// Reconnection delays: exponential 1, 2, 4, 8, 16 s with jitter, so that many
// browsers losing the same server do not all come back in the same instant.
import { BACKOFF } from './config.js';

/**
 * Delay in ms before retry number `attempt` (0 for the first retry).
 * `random` returns [0, 1); injected so tests can pin the jitter.
 */
export function backoffDelay(attempt, random = Math.random, options = BACKOFF) {
  const n = Math.max(0, Math.floor(attempt));
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(n, 30));
  const factor = 1 + options.jitter * (2 * random() - 1);
  return Math.round(nominal * factor);
}

/** The nominal (jitter-free) schedule for the first `count` retries. */
export function backoffSchedule(count, options = BACKOFF) {
  return Array.from({ length: count }, (_, i) => backoffDelay(i, () => 0.5, options));
}
