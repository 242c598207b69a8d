// Collects items for a short window and hands them over together, so a burst
// of updates costs one state pass and one renderer notification, not hundreds.
import { BATCH_WINDOW_MS } from './config.js';

/**
 * Creates a batcher. `flush(items)` is called at most once per `windowMs`,
 * `windowMs` after the first item of a batch arrived. Timers are injected so
 * tests can drive time by hand.
 */
export function createBatcher(flush, { windowMs = BATCH_WINDOW_MS, setTimer = setTimeout, clearTimer = clearTimeout } = {}) {
  let items = [];
  let timer = null;
  const run = () => {
    timer = null;
    const batch = items;
    items = [];
    if (batch.length) flush(batch);
  };
  return {
    push(item) {
      items.push(item);
      if (timer === null) timer = setTimer(run, windowMs);
    },
    /** Applies whatever is pending now (used before a snapshot replaces the state). */
    flushNow() {
      if (timer !== null) clearTimer(timer);
      run();
    },
    get pending() { return items.length; },
    dispose() {
      if (timer !== null) clearTimer(timer);
      timer = null;
      items = [];
    },
  };
}
