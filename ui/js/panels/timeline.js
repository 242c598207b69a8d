// The timeline bar under the scene: scrub to any moment since history began,
// play it back at 1x–60x, or go back to live. While not live the header says
// so, and live updates are held back (timeline.js's queue); back to live, the
// live topology is refetched as a `full` and the held updates newer than it
// are applied (older ones are stale and skipped; past QUEUE_LIMIT they are
// dropped and the refetch alone stands).
import { $, h } from './dom.js';
import { fetchJson } from '../stream/fetch-json.js';
import { SPEEDS, createLiveQueue, createPlaybackClock, historyStart, positionToTime, timeToPosition } from '../timeline.js';

const STEPS = 1000;
const TICK_MS = 250;
// The event feed shows this much history before the chosen moment.
const EVENT_WINDOW_MS = 15 * 60 * 1000;

// `onTime(t, record)` says where the view now is in time for the URL (t in
// ms, null when live): `record` is 'push' for a step Back should undo (a
// scrub released, a seek, back to live), 'replace' for one it should not
// (pausing, playback reaching the present), 'none' while restoring a URL
// or mid-drag.
export function createTimeline({ applyFull, applyUpdates, events, onMoment = () => {}, onTime = () => {} }) {
  const loadedAt = Date.now();
  const range = { oldest: loadedAt, newest: loadedAt };
  const clock = createPlaybackClock({ now: () => Date.now(), limit: () => Date.now() });
  const queue = createLiveQueue();
  let live = true;
  // Bumped by every move in time: a return to live whose fetch finishes
  // after a later move must not undo it.
  let generation = 0;
  let fetching = false;
  let wanted = null; // the moment asked for while a fetch was in flight

  const slider = h('input', { type: 'range', id: 'timeline-slider', min: 0, max: STEPS, value: STEPS, 'aria-label': 'Moment in history' });
  const play = h('button', { id: 'timeline-play', class: 'icon-button', title: 'Play / pause' }, '▶');
  const speed = h('select', { id: 'timeline-speed', 'aria-label': 'Playback speed' }, SPEEDS.map((s) => h('option', { value: s }, `${s}x`)));
  const toLive = h('button', { id: 'timeline-live', class: 'link', disabled: true }, 'Back to live');
  const label = h('span', { id: 'timeline-label', class: 'timeline-label' }, 'Live');
  const bar = h('div', { class: 'timeline', id: 'timeline' }, play, speed, slider, label, toLive);
  $('scene').append(bar);
  const banner = h('span', { id: 'timeline-banner', class: 'timeline-banner', role: 'status', hidden: true });
  $('connection-status').before(banner);

  async function refreshRange() {
    range.newest = Date.now();
    let body = null;
    // History says where it starts (retention moves that forward).
    try { body = await fetchJson('api/infra/history'); } catch { /* 503 with --no-history: the range starts at page load */ }
    range.oldest = historyStart(body, loadedAt);
  }

  function show(t) {
    slider.value = String(Math.round(timeToPosition(t, range) * STEPS));
    const when = new Date(t).toLocaleString();
    label.textContent = live ? 'Live' : when;
    banner.hidden = live;
    banner.textContent = live ? '' : `Viewing history: ${when} · live changes held (${queue.overflowed ? 'many' : queue.size})`;
    toLive.disabled = live;
  }

  async function load(t) {
    if (fetching) { wanted = t; return; }
    fetching = true;
    const gen = generation;
    try {
      const at = new Date(t).toISOString();
      let topology;
      try {
        topology = await fetchJson(`api/infra/topology?at=${encodeURIComponent(at)}`);
      } catch (err) {
        // 404: before the oldest retained state, nothing is known: an empty map.
        if (err?.status !== 404) throw err;
        topology = { revision: 0, entities: [], connections: [] };
      }
      if (!live && gen === generation) {
        applyFull(topology);
        const list = await fetchJson(`api/infra/events?since=${new Date(t - EVENT_WINDOW_MS).toISOString()}&until=${at}&limit=10000`);
        if (!live && gen === generation) events.showWindow(list.slice().reverse());
        onMoment(t);
      }
    } catch { /* keep the last picture; the next move or tick tries again */ }
    fetching = false;
    if (wanted !== null && !live) { const next = wanted; wanted = null; load(next); }
  }

  function leaveLive() {
    if (!live) return;
    queue.take(); // a fresh look at the past starts with an empty queue
  }

  async function goLive(record = 'push') {
    clock.pause();
    play.textContent = '▶';
    if (live) return;
    onTime(null, record);
    const gen = ++generation;
    wanted = null;
    events.showWindow(null);
    // Live updates stay held until the fetched topology is drawn: applied
    // before it, the full would wipe them; after it, only those newer than
    // it count (a held `full` or delta at or below its revision is stale).
    let base = null;
    try {
      const topology = await fetchJson('api/infra/topology');
      if (gen !== generation) return;
      applyFull(topology);
      base = topology.revision;
    } catch { /* the live feed's next full repairs it */ }
    if (gen !== generation) return;
    const held = queue.take();
    live = true;
    if (!held.overflowed) applyUpdates(base === null ? held.updates : held.updates.filter((u) => u.revision > base));
    show(Date.now());
    onMoment(null);
  }

  function seek(t, record) {
    leaveLive();
    live = false;
    generation += 1;
    clock.seek(t);
    show(clock.time());
    load(clock.time());
    onTime(clock.time(), record);
  }

  // Dragging moves the moment without a history entry per step; releasing
  // the slider (`change`) makes the one entry Back returns from.
  for (const [type, record] of [['input', 'none'], ['change', 'push']]) {
    slider.addEventListener(type, async () => {
      await refreshRange();
      seek(positionToTime(Number(slider.value) / STEPS, range), record);
    });
  }
  speed.addEventListener('change', () => clock.setSpeed(Number(speed.value)));
  play.addEventListener('click', () => {
    if (clock.playing) { clock.pause(); play.textContent = '▶'; onTime(clock.time(), 'replace'); return; }
    if (live) return; // playing forward from now is live already
    clock.play();
    play.textContent = '❚❚';
  });
  toLive.addEventListener('click', () => goLive());

  setInterval(() => {
    range.newest = Date.now();
    if (live) { slider.value = String(STEPS); return; }
    if (!clock.playing) { show(clock.time()); return; }
    if (clock.atLimit()) { goLive('replace'); return; }
    show(clock.time());
    load(clock.time());
  }, TICK_MS);
  refreshRange();

  return {
    get live() { return live; },
    /** Holds a live topology update while the map shows the past. */
    hold(update) { queue.push(update); },
    /** The live updates held so far, oldest first. */
    held: () => queue.peek(),
    /** Shows moment `t` (ms); `record` as for `onTime`. */
    seek: (t, record = 'push') => refreshRange().then(() => seek(t, record)),
    goLive,
    /** The moment shown (ms), null while live. */
    get moment() { return live ? null : clock.time(); },
    get range() { return { ...range }; },
  };
}
