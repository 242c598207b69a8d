// Wires the pieces together: feeds → 100 ms batcher → state → renderer and
// panels. Everything here is glue; the logic lives in the modules it imports.
import { applyTopologyUpdate, createChange, createTopologyState, connectionsOf, isStale } from './state.js';
import { createBatcher } from './batch.js';
import { createFilter } from './filter.js';
import { createTopologyFeed, createEventsFeed } from './feeds.js';
import { fetchJson } from './stream/fetch-json.js';
import { createRenderer } from './render/renderer.js';
import { attachControls } from './render/controls.js';
import { createLabels } from './render/labels.js';
import { createStatusIndicator } from './panels/status.js';
import { createHealthSummary } from './panels/summary.js';
import { createToaster } from './panels/toast.js';
import { createTabs, createDrawers } from './panels/tabs.js';
import { createDetailsPanel } from './panels/details.js';
import { createEventsPanel } from './panels/events.js';
import { createAlertsPanel } from './panels/alerts.js';
import { createFiltersPanel } from './panels/filters.js';
import { createTestHook } from './test-hook.js';
import { $ } from './panels/dom.js';
import { traceConnections } from './trace.js';
import { formatKind } from './format.js';
import { initTheme } from './theme.js';
import { createScriptMeter } from './script-meter.js';
import { createChurnState, applyChurnNotice, isSummarised } from './churn.js';
import { createChurnPanel } from './panels/churn.js';
import { createLegend } from './panels/legend.js';
import { createSourcesPanel } from './panels/sources.js';
import { createGroupLabels } from './render/group-labels.js';
import { createRateTracker, forgetEntity, observeEntity } from './rates.js';
import { createJobsOverlay } from './realtime/overlay.js';
import { applyFilter, decodeView, encodeView } from './url-state.js';
import { groupCenter, normalizePreset } from './layout.js';
import { createLatencyProbe } from './latency-probe.js';
import { eventIcon } from './event-icons.js';
import { createTimeline } from './panels/timeline.js';
import { createSparklines, CONNECTION_METRICS } from './panels/sparklines.js';
import { createGraphEvents } from './graph-events.js';
import { graphApiToast } from './graph-toasts.js';
import { installAuth, showTokenPrompt } from './auth.js';

// Before anything opens a request: every fetch, stream and socket carries the token.
installAuth(globalThis, globalThis.sessionStorage, (action) => showTokenPrompt(document, action));

const HEALTH_POLL_MS = 5000;
const SOURCES_POLL_MS = 3000;
// Panels and the top bar's band counts refresh at most this often: each text
// change re-rasters its part of the page, which a software compositor pays for
// in frame rate, and twice a second still reads as live.
const PANEL_REFRESH_MS = 500;

initTheme($('theme-toggle'));
createJobsOverlay();
const state = createTopologyState();
// Pods of high-churn namespaces are summarised per service instead of drawn.
const churn = createChurnState();
const view = { filter: createFilter(), preset: 'namespace', hides: (e) => isSummarised(churn, e) };
// Script time per frame (frame callback + stream handling + batches), read by the benchmark.
const meter = createScriptMeter();
// Network counters → bytes/s per entity (rates.js).
const rates = createRateTracker();
// Watch event → screen timing for the benchmark; idle unless a test arms it.
const probe = createLatencyProbe();
let selectedId = null;
// The view in the URL (url-state.js): restored now; a selection named there
// waits until its entity has arrived.
const initial = decodeView(location.search);
applyFilter(view.filter, initial.filter);
view.preset = initial.preset;
let pendingSelection = initial.selected;

const renderer = startRenderer();
const status = createStatusIndicator();
const summary = createHealthSummary();
const toaster = createToaster();
const drawers = createDrawers();
const tabs = createTabs((name) => {
  if (name === 'events') events.shown();
  if (name === 'alerts') alerts.render();
});
const details = createDetailsPanel({ state, select, rates });
// Sparklines live inside the details panel, which rebuilds itself on each render.
const sparks = createSparklines($('tab-details'));
const renderDetails = details.render;
details.render = (id, trace) => { renderDetails(id, trace); sparks.show(id); };
const alerts = createAlertsPanel({ state, select, isVisible: () => tabs.current === 'alerts' });
const events = createEventsPanel({ select, isVisible: () => tabs.current === 'events' });
const filters = createFiltersPanel({
  state, view, select,
  onFilterChange: () => { renderer.resync(); writeUrl('replace'); },
  onPresetChange: (preset) => setPreset(preset),
  onFit: () => renderer.fitView(),
});
filters.showFilter();
filters.showPreset(view.preset);
details.render(null);
const churnPanel = createChurnPanel($('churn-summaries'), { state, churn });
const legend = createLegend();
const sourcesPanel = createSourcesPanel({
  isActive: (name) => view.filter.sources.has(name),
  onToggle: (name) => {
    if (view.filter.sources.has(name)) view.filter.sources.delete(name); else view.filter.sources.add(name);
    filters.showFilter();
    renderer.resync();
    writeUrl('replace');
    pollSources(false);
  },
});
// Namespace entities, for the ring labels (kept per batch, never by walking the state).
const namespaceIds = new Set();
const groupLabels = renderer.onFrame ? createGroupLabels($('group-labels'), renderer) : null;

/**
 * Writes the view into the URL: 'push' makes a history entry (a selection
 * step, so Back returns to the previous one), 'replace' rewrites the current
 * one (filter edits, preset), 'none' leaves the URL alone (restoring it).
 */
function writeUrl(mode) {
  if (mode === 'none') return;
  const search = encodeView({ filter: view.filter, preset: view.preset, selected: selectedId ?? pendingSelection }, location.search);
  if (search === location.search) return;
  const url = `${location.pathname}${search}${location.hash}`;
  if (mode === 'push') history.pushState(null, '', url); else history.replaceState(null, '', url);
}

function setPreset(preset, record = 'replace') {
  view.preset = normalizePreset(preset);
  filters.showPreset(view.preset);
  renderer.resync();
  refreshGroupLabels();
  writeUrl(record);
  setTimeout(() => renderer.fitView(), 950);
}

// Back/forward: the URL is the truth; apply it without writing it again.
window.addEventListener('popstate', () => {
  const next = decodeView(location.search);
  applyFilter(view.filter, next.filter);
  filters.showFilter();
  if (normalizePreset(next.preset) !== view.preset) setPreset(next.preset, 'none');
  else renderer.resync();
  pendingSelection = null;
  if (next.selected && !state.entities.has(next.selected)) pendingSelection = next.selected;
  select(next.selected && state.entities.has(next.selected) ? next.selected : null, 'none');
});

function refreshGroupLabels() {
  if (!groupLabels) return;
  // Namespace rings are named under the namespace and source presets (the
  // source preset keeps each namespace as a ring inside its source).
  const list = [];
  if (view.preset !== 'kind') {
    for (const id of namespaceIds) {
      const e = state.entities.get(id);
      if (e) list.push({ key: `ns:${e.name}`, text: e.name, id, size: state.namespaces.get(e.name) ?? 0 });
    }
    // Largest namespaces first: only so many labels are drawn (group-labels.js).
    list.sort((a, b) => b.size - a.size || a.text.localeCompare(b.text));
  }
  if (view.preset !== 'namespace') {
    const keys = view.preset === 'kind' ? [...state.kinds.keys()] : [...state.sources.keys()];
    const shown = view.preset === 'kind' ? view.filter.kinds : view.filter.sources;
    list.unshift(...keys.filter((k) => !shown.size || shown.has(k)).sort().map((k) => ({
      key: `${view.preset}:${k}`, text: view.preset === 'kind' ? formatKind(k) : k, point: groupCenter(view.preset, k), group: true,
    })));
  }
  groupLabels.setGroups(list);
}

function startRenderer() {
  try {
    const r = createRenderer($('canvas'), { state, view, meter });
    attachControls($('canvas'), r.camera, {
      onClick: ({ x, y }) => {
        const id = r.pick(x, y);
        const connId = id ? null : r.pickConnection(x, y);
        if (connId) selectConnection(connId); else select(id);
      },
      onHover: (p) => r.setHover(p ? r.pick(p.x, p.y) : null),
    });
    createLabels($('labels'), r, (id) => {
      const e = state.entities.get(id);
      return e ? `${formatKind(e.kind)} ${e.name}` : id;
    });
    return r;
  } catch (err) {
    const box = $('scene-error');
    box.hidden = false;
    box.textContent = `The 3D view could not start: ${err.message}. Panels still work.`;
    // Without WebGL the panels keep working against a renderer that draws nothing.
    return { applyChange() {}, resync() {}, setSelection() {}, fitView() {}, screenPosition: () => null, renderedCount: 0, fps: 0 };
  }
}

/**
 * Selects an entity (null clears), traces it and shows it in the Details tab.
 * `record` is how the URL records it (writeUrl): a person's selection is a
 * step Back can undo ('push'); restoring one or dropping a removed entity is not.
 */
// A connection is shown in the details panel with its sparklines; it is
// not traced, and the URL keeps only entity selections.
function selectConnection(connId) {
  const c = state.connections.get(connId);
  if (!c) return;
  select(null);
  details.renderConnection(c);
  sparks.show(connId, CONNECTION_METRICS);
  tabs.select('details');
}

function select(id, record = 'push') {
  const previous = selectedId;
  selectedId = id && state.entities.has(id) ? id : null;
  if (selectedId || record !== 'none') pendingSelection = null;
  renderer.setSelection(selectedId);
  if (selectedId !== previous) writeUrl(record);
  details.render(selectedId, selectedId ? traceConnections(state, selectedId) : null);
  if (selectedId) {
    tabs.select('details');
    if (matchMedia('(max-width: 900px)').matches) drawers.open('panel');
  }
}

// Graph API entities (source "api") announce their changes with a toast, as the
// graph sprint seed asks; simulated or collected churn stays quiet. A new node
// is announced by the graph events stream ("New service: billing", rate-limited
// in graph-events.js), so it is not toasted twice here.
function toastFor(update) {
  const toast = graphApiToast(update, state.entities.get(update.entity?.id), formatKind);
  if (toast) toaster.show(toast.text, toast.verb);
}

let panelTimer = null;
function schedulePanels() {
  if (panelTimer !== null) return;
  panelTimer = setTimeout(() => {
    panelTimer = null;
    summary.setBands(state.bands);
    filters.refresh();
    alerts.render();
    churnPanel.render();
    legend.render(state.kinds);
    refreshGroupLabels();
  }, PANEL_REFRESH_MS);
}

function applyBatch(updates) {
  const change = createChange();
  for (const update of updates) {
    if (update.kind !== 'full' && !isStale(state, update)) toastFor(update);
    applyTopologyUpdate(state, update, change);
  }
  renderer.applyChange(change);
  const now = Date.now();
  for (const [id, op] of change.entities) {
    const e = state.entities.get(id);
    if (op === 'remove' || !e) { forgetEntity(rates, id); namespaceIds.delete(id); continue; }
    observeEntity(rates, e, now);
    if (e.kind === 'namespace') namespaceIds.add(id); else namespaceIds.delete(id);
  }
  probe.applied(updates);
  if (pendingSelection && state.entities.has(pendingSelection)) select(pendingSelection, 'none');
  else if (selectedId && !state.entities.has(selectedId)) select(null, 'replace');
  else if (selectedId && touchesSelection(change)) details.render(selectedId, traceConnections(state, selectedId));
  schedulePanels();
}

function touchesSelection(change) {
  if (change.full || change.entities.has(selectedId)) return true;
  // Connection ids embed both ends (PROTOCOL.md), and a removed connection is
  // no longer in the state to look up, so its id is the only clue left.
  for (const id of change.connections.keys()) if (id.includes(selectedId)) return true;
  return connectionsOf(state, selectedId).some((c) => change.entities.has(c.source_id === selectedId ? c.target_id : c.source_id));
}

const batcher = createBatcher((updates) => meter.measure(() => applyBatch(updates)));
function onChurnNotice(type, payload) {
  if (applyChurnNotice(churn, type, payload)) renderer.resync();
  churnPanel.render();
}

// The past, from history (panels/timeline.js): while it is shown, live updates wait in its queue.
const timeline = createTimeline({
  applyFull: (topology) => applyBatch([{ kind: 'full', revision: topology.revision, topology }]),
  applyUpdates: (updates) => { if (updates.length) applyBatch(updates); },
  events,
  onMoment: (t) => sparks.setMoment(t),
});
const topologyFeed = createTopologyFeed({
  onUpdate: (u) => meter.measure(() => { if (!timeline.live) { timeline.hold(u); return; } probe.received(u); batcher.push(u); }),
  onStatus: (s, d) => status.set(s, d),
  onNotice: onChurnNotice,
});
const eventBatcher = createBatcher((lists) => {
  const list = lists.flat();
  events.add(list);
  // A source event (connected, down, stale …) refreshes the source pills now
  // rather than at the next poll.
  if (list.some((ev) => eventIcon(ev).category === 'source')) pollSources(false);
});
const eventsFeed = createEventsFeed({ onEvents: (list) => eventBatcher.push(list) });
topologyFeed.start();
eventsFeed.start();
// Graph events (graph seed): toasts for new nodes, the stale banner's refresh refetches the topology.
createGraphEvents({
  toaster,
  refresh: async () => {
    const topology = await fetchJson('api/infra/topology');
    const update = { kind: 'full', revision: topology.revision, timestamp: topology.timestamp, topology };
    if (timeline.live) batcher.push(update); else timeline.hold(update);
  },
});

for (const [name, online] of [['online', true], ['offline', false]]) {
  window.addEventListener(name, () => { topologyFeed.setOnline(online); eventsFeed.setOnline(online); });
}

async function pollHealth() {
  try {
    const health = await fetchJson('api/infra/health');
    summary.setOverall(health.overall);
  } catch { /* the indicator already tells the story; keep the last score */ }
  setTimeout(pollHealth, HEALTH_POLL_MS);
}
pollHealth();

// Source states in the top bar. `again` is false for an extra poll (after a
// click) so it does not start a second timer chain.
let sourceStatuses = [];
async function pollSources(again = true) {
  try {
    sourceStatuses = await fetchJson('api/infra/sources');
  } catch { /* keep the last picture; the connection indicator tells the story */ }
  sourcesPanel.render(sourceStatuses);
  if (again) setTimeout(pollSources, SOURCES_POLL_MS);
}
pollSources();
if (renderer.onFrame) renderer.onFrame(() => probe.frame());

const sceneStats = $('scene-stats');
setInterval(() => {
  const text = `${state.entities.size} entities · ${renderer.renderedCount} drawn · ${state.connections.size} connections · ${renderer.fps.toFixed(0)} fps`;
  if (sceneStats.textContent !== text) sceneStats.textContent = text;
}, 1000);

createTestHook({
  state, renderer, meter, topologyFeed, eventsFeed, batcher, view, select, events, filtersPanel: filters, getSelected: () => selectedId,
  rates, probe, setPreset, groupLabels, timeline, onFilterChange: () => writeUrl('replace'), sources: () => sourceStatuses,
});
