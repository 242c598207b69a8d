// The graph seed's live UI: follows GET /api/graph/events/stream, toasts
// created nodes through the ToastLimiter (a bulk change shows a few toasts
// and one summary) and shows the stale banner on graph.invalidated.
import { ToastLimiter } from './graph-toasts.js';
import { $ } from './panels/dom.js';

// How often held toasts are checked for their summary.
const FLUSH_EVERY_MS = 250;

/**
 * `refresh` refetches the topology; the banner clears once it succeeded
 * (a failed refresh leaves the data, and so the banner, outdated).
 */
export function createGraphEvents({ toaster, refresh, EventSourceImpl = globalThis.EventSource, now = () => Date.now() }) {
  const limiter = new ToastLimiter();
  const banner = $('graph-stale');
  const button = $('graph-refresh');
  let flushTimer = null;

  function flushLater() {
    if (flushTimer || limiter.held === 0) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      const message = limiter.flush(now());
      if (message) toaster.show(message);
      flushLater();
    }, FLUSH_EVERY_MS);
  }

  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await refresh();
      banner.hidden = true;
    } catch { /* still outdated: keep the banner so the person can retry */ }
    button.disabled = false;
  });

  if (!EventSourceImpl) return { close() {} };
  // EventSource reconnects by itself and resumes with Last-Event-ID.
  const source = new EventSourceImpl('api/graph/events/stream');
  source.addEventListener('graph.node.created', (e) => {
    const message = limiter.take(JSON.parse(e.data), now());
    if (message) toaster.show(message);
    flushLater();
  });
  source.addEventListener('graph.invalidated', () => { banner.hidden = false; });
  // Marked on the page so a test (or a person in devtools) can tell the stream is open.
  source.addEventListener('connected', () => { if (document.body) document.body.dataset.graphEvents = 'connected'; });
  return { close: () => source.close() };
}
