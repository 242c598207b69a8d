// window.gestalt: a read-only window into the page for tests and for people's
// own scripts. Getters return copies, so a script cannot corrupt the state.
// The few actions (select, setFilter, setPreset) do what a click would do.

import { networkRates } from './rates.js';
import { normalizePreset } from './layout.js';

export function createTestHook({
  state, renderer, meter, topologyFeed, eventsFeed, batcher, view, select, events, filtersPanel, getSelected,
  rates, probe, setPreset, groupLabels, onFilterChange, sources, timeline = null,
}) {
  const copy = (v) => (v === undefined ? null : structuredClone(v));
  const hook = {
    /** Connection status: Connecting, Connected, Reconnecting, Error or Offline. */
    status: () => topologyFeed.status,
    /** Entities in the client's state (all of them, whatever the filter). */
    entityCount: () => state.entities.size,
    connectionCount: () => state.connections.size,
    /** Entities drawn now: those passing the filter, not counting removals still fading out. */
    renderedCount: () => renderer.renderedCount,
    renderedConnectionCount: () => renderer.renderedConnections ?? 0,
    fps: () => renderer.fps,
    /** Mesh detail drawn now: 1 full, 0 low (render/lod.js). */
    meshDetail: () => renderer.meshDetail ?? 1,
    /** Main-thread ms per frame spent in our frame callback, stream handling and batches (last second). */
    scriptTimePerFrame: () => meter?.last.msPerFrame ?? 0,
    /** The same window in full: { msPerFrame, msPerSecond, frames }. */
    scriptTime: () => meter?.last ?? null,
    /** Id of the selected entity, or null. */
    selected: () => getSelected(),
    revision: () => state.revision,
    /** True while the map is live, false while the timeline shows the past. */
    timelineLive: () => timeline?.live ?? true,
    /** Shows the map at `ms` (epoch ms), as dragging the scrubber there would. */
    timelineSeek: (ms) => { timeline?.seek(ms); },
    timelineBackToLive: () => { timeline?.goLive(); },
    transport: () => topologyFeed.transport,
    eventsStatus: () => eventsFeed.status,
    eventCount: () => events.feed.events.length,
    pendingUpdates: () => batcher.pending,
    entity: (id) => copy(state.entities.get(id)),
    entityIds: () => [...state.entities.keys()],
    /** Viewport CSS pixel position of an entity as drawn now, or null. */
    screenPosition: (id) => renderer.screenPosition(id),
    /** The entity a click at viewport point (x, y) would select, or null. */
    entityAt(x, y) {
      const rect = document.getElementById('canvas').getBoundingClientRect();
      return renderer.pick ? renderer.pick(x - rect.left, y - rect.top) : null;
    },
    /** The connection a click at viewport point (x, y) would select when no entity is there, or null. */
    connectionAt(x, y) {
      const rect = document.getElementById('canvas').getBoundingClientRect();
      return renderer.pickConnection ? renderer.pickConnection(x - rect.left, y - rect.top) : null;
    },
    connectionIds: () => [...state.connections.keys()],
    connection: (id) => copy(state.connections.get(id)),
    /** Selects like a click would (null clears). */
    select: (id) => { select(id); return getSelected(); },
    /** Replaces the filter: { kinds: [], namespaces: [], bands: [], sources: [], search: '' }. */
    setFilter({ kinds = [], namespaces = [], bands = [], sources: srcs = [], search = '' } = {}) {
      // The sets are refilled, not replaced: the filter chips hold them.
      for (const [set, values] of [[view.filter.kinds, kinds], [view.filter.namespaces, namespaces], [view.filter.bands, bands], [view.filter.sources, srcs]]) {
        set.clear();
        for (const v of values) set.add(v);
      }
      view.filter.search = search;
      document.getElementById('search').value = search;
      filtersPanel.refresh(true);
      filtersPanel.renderResults();
      renderer.resync();
      onFilterChange();
    },
    /** The filter as plain lists. */
    filter: () => ({
      kinds: [...view.filter.kinds], namespaces: [...view.filter.namespaces], bands: [...view.filter.bands],
      sources: [...view.filter.sources], search: view.filter.search,
    }),
    /** 'namespace', 'kind' (or its old name 'type') or 'source', like the layout buttons. */
    setPreset(preset) { setPreset(normalizePreset(preset)); return view.preset; },
    preset: () => view.preset,
    /** { rx, tx, measured } network bytes/s of an entity (rates.js), or null. */
    networkRate(id) {
      const e = state.entities.get(id);
      return e ? networkRates(e, rates) : null;
    },
    /** Texts of the group labels shown in the scene now (namespace names on their rings, …). */
    groupLabels: () => groupLabels?.shown() ?? [],
    /** The last GET /api/infra/sources answer. */
    sources: () => copy(sources()),
    /** Arms the watch-event → screen probe on label `key` (latency-probe.js). */
    armLatencyProbe(key) { probe.arm(key); return true; },
    /** Probe records [{ value, id, received, applied, drawn }] (epoch ms); `drain` empties them. */
    latencyRecords: (drain = false) => copy(probe.records(drain)),
  };
  Object.defineProperty(window, 'gestalt', { value: Object.freeze(hook), writable: false, configurable: false });
}
