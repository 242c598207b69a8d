// window.gestalt: a read-only window into the page for tests and for people's
// own scripts. Getters return copies, so a script cannot corrupt the state.
// The few actions (select, setFilter, setPreset) do what a click would do.

export function createTestHook({ state, renderer, meter, topologyFeed, eventsFeed, batcher, view, select, events, filtersPanel, getSelected }) {
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
    /** Selects like a click would (null clears). */
    select: (id) => { select(id); return getSelected(); },
    /** Replaces the filter: { kinds: [], namespaces: [], bands: [], search: '' }. */
    setFilter({ kinds = [], namespaces = [], bands = [], search = '' } = {}) {
      // The sets are refilled, not replaced: the filter chips hold them.
      for (const [set, values] of [[view.filter.kinds, kinds], [view.filter.namespaces, namespaces], [view.filter.bands, bands]]) {
        set.clear();
        for (const v of values) set.add(v);
      }
      view.filter.search = search;
      document.getElementById('search').value = search;
      filtersPanel.refresh(true);
      filtersPanel.renderResults();
      renderer.resync();
    },
    setPreset(preset) {
      document.querySelector(`#layout-presets [data-preset="${preset}"]`)?.click();
    },
  };
  Object.defineProperty(window, 'gestalt', { value: Object.freeze(hook), writable: false, configurable: false });
}
