// The jobs overlay: opened from the header, it holds the progress bar and
// the plugin inspector, a "Rescan" button that starts a rescan job, and a
// WebSocket subscribed to the `jobs` channel that feeds both live.
import { $ } from '../panels/dom.js';
import { applyRealtimeMessage, createRealtimeState } from './realtime-state.js';
import { createProgressBar } from './progress-bar.js';
import { createPluginInspector } from './plugin-inspector.js';

/** Renders the overlay's components from a state (the app and /gallery). */
export function createOverlayView(doc = document) {
  const bar = createProgressBar(doc.getElementById('progress-bar'));
  const inspector = createPluginInspector(doc.getElementById('plugin-inspector'));
  return { render(state) { bar.render(state); inspector.render(state); } };
}

export function createJobsOverlay({ WebSocketImpl = globalThis.WebSocket, fetchImpl = globalThis.fetch, location = globalThis.location } = {}) {
  // Relative to the page, as the other feeds are (a server under a path prefix).
  const base = location.pathname.replace(/[^/]*$/, '').replace(/\/$/, '');
  const overlay = $('jobs-overlay');
  const toggle = $('jobs-toggle');
  const rescan = $('rescan-button');
  const note = $('jobs-note');
  const view = createOverlayView();
  let state = createRealtimeState();
  let socket = null;
  let subscribed = null; // resolves once the jobs channel is subscribed
  let markSubscribed = () => {};
  view.render(state);

  function connect() {
    if (socket) return;
    subscribed = new Promise((resolve) => { markSubscribed = resolve; });
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocketImpl(`${scheme}//${location.host}${base}/api/infra/ws`);
    socket.onopen = () => socket.send(JSON.stringify({ type: 'subscribe', payload: { channels: ['jobs'] } }));
    socket.onmessage = (message) => {
      let env;
      try { env = JSON.parse(message.data); } catch { return; }
      if (env.type === 'subscribed') { markSubscribed(); return; }
      if (env.type === 'ping' || env.type === 'pong') return;
      state = applyRealtimeMessage(state, env);
      view.render(state);
    };
    socket.onclose = () => { socket = null; if (!overlay.hidden) setTimeout(connect, 2000); };
  }

  function open(show) {
    overlay.hidden = !show;
    toggle.setAttribute('aria-expanded', String(show));
    if (show) connect();
  }

  toggle.addEventListener('click', () => open(overlay.hidden));
  $('jobs-close').addEventListener('click', () => open(false));
  rescan.addEventListener('click', async () => {
    open(true);
    rescan.disabled = true;
    note.textContent = '';
    try {
      // A job can finish within milliseconds: subscribe first, so no message
      // of it is missed (at most 3 s; the answer below still shows the start).
      await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 3000))]);
      const response = await fetchImpl(`${base}/api/jobs`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'rescan' }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
      // The channel may have carried the whole job before this answer came
      // back; the answer only starts the picture when nothing of it arrived.
      if (state.jobId !== body.job_id) state = applyRealtimeMessage(state, {
        type: 'progress', timestamp: new Date().toISOString(),
        payload: { job_id: body.job_id, progress: body.progress ?? 0, state: body.state, stage: body.stage },
      });
      view.render(state);
      note.textContent = `Job ${body.job_id}`;
    } catch (error) {
      note.textContent = `Rescan failed: ${error.message}`;
    } finally {
      rescan.disabled = false;
    }
  });
  return { open, get state() { return state; } };
}
