// Collects items and hands them over together, so a burst of updates costs
// one state pass and one renderer notification, not hundreds.
//
// Flushes are at least `windowMs` apart, but an item arriving after a quiet
// spell is not held for a whole window: it is flushed at once (on the next
// turn of the event loop, so items of the same burst still travel together).
// A lone watch event thus reaches the screen on the next frame, while a
// steady stream is still applied ten times a second.
import { BATCH_WINDOW_MS } from './config.js';

/**
 * Creates a batcher. `flush(items)` is called at most once per `windowMs`:
 * when idle, right after the first item; otherwise `windowMs` after the
 * previous flush. Time and timers are injected so tests can drive them.
 */
export function createBatcher(flush, { windowMs = BATCH_WINDOW_MS, setTimer = setTimeout, clearTimer = clearTimeout, now = () => performance.now() } = {}) {
  let items = [];
  let timer = null;
  let lastFlush = -Infinity;
  const run = () => {
    timer = null;
    const batch = items;
    items = [];
    lastFlush = now();
    if (batch.length) flush(batch);
  };
  return {
    push(item) {
      items.push(item);
      if (timer === null) timer = setTimer(run, Math.max(0, lastFlush + windowMs - now()));
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
