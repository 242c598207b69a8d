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

const HEALTH_POLL_MS = 5000;
// Panels and the top bar's band counts refresh at most this often: each text
// change re-rasters its part of the page, which a software compositor pays for
// in frame rate, and twice a second still reads as live.
const PANEL_REFRESH_MS = 500;

initTheme($('theme-toggle'));
const state = createTopologyState();
// Pods of high-churn namespaces are summarised per service instead of drawn.
const churn = createChurnState();
const view = { filter: createFilter(), preset: 'namespace', hides: (e) => isSummarised(churn, e) };
// Script time per frame (frame callback + stream handling + batches), read by the benchmark.
const meter = createScriptMeter();
let selectedId = null;

const renderer = startRenderer();
const status = createStatusIndicator();
const summary = createHealthSummary();
const toaster = createToaster();
const drawers = createDrawers();
const tabs = createTabs((name) => {
  if (name === 'events') events.shown();
  if (name === 'alerts') alerts.render();
});
const details = createDetailsPanel({ state, select });
const alerts = createAlertsPanel({ state, select, isVisible: () => tabs.current === 'alerts' });
const events = createEventsPanel({ select, isVisible: () => tabs.current === 'events' });
const filters = createFiltersPanel({
  state, view, select,
  onFilterChange: () => renderer.resync(),
  onPresetChange: (preset) => { view.preset = preset; renderer.resync(); setTimeout(() => renderer.fitView(), 950); },
  onFit: () => renderer.fitView(),
});
details.render(null);
const churnPanel = createChurnPanel($('churn-summaries'), { state, churn });

function startRenderer() {
  try {
    const r = createRenderer($('canvas'), { state, view, meter });
    attachControls($('canvas'), r.camera, {
      onClick: ({ x, y }) => select(r.pick(x, y)),
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

/** Selects an entity (null clears), traces it and shows it in the Details tab. */
function select(id) {
  selectedId = id && state.entities.has(id) ? id : null;
  renderer.setSelection(selectedId);
  details.render(selectedId, selectedId ? traceConnections(state, selectedId) : null);
  if (selectedId) {
    tabs.select('details');
    if (matchMedia('(max-width: 900px)').matches) drawers.open('panel');
  }
}

// Graph API entities (source "api") announce themselves with a toast, as the
// graph sprint seed asks; simulated or collected churn stays quiet.
function toastFor(update) {
  if (!['add', 'update', 'remove'].includes(update.kind) || !update.entity) return;
  const known = state.entities.get(update.entity.id);
  const source = update.entity.source ?? known?.source;
  if (source !== 'api') return;
  const name = update.entity.name ?? known?.name ?? update.entity.id;
  const verb = update.kind === 'add' && !known ? 'added' : update.kind === 'remove' ? 'removed' : 'updated';
  toaster.show(`Graph API: ${formatKind(update.entity.kind ?? known?.kind)} “${name}” ${verb}`, verb);
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
  }, PANEL_REFRESH_MS);
}

function applyBatch(updates) {
  const change = createChange();
  for (const update of updates) {
    if (update.kind !== 'full' && !isStale(state, update)) toastFor(update);
    applyTopologyUpdate(state, update, change);
  }
  renderer.applyChange(change);
  if (selectedId && !state.entities.has(selectedId)) select(null);
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

const topologyFeed = createTopologyFeed({
  onUpdate: (u) => meter.measure(() => batcher.push(u)),
  onStatus: (s, d) => status.set(s, d),
  onNotice: onChurnNotice,
});
const eventBatcher = createBatcher((lists) => events.add(lists.flat()));
const eventsFeed = createEventsFeed({ onEvents: (list) => eventBatcher.push(list) });
topologyFeed.start();
eventsFeed.start();

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

const sceneStats = $('scene-stats');
setInterval(() => {
  const text = `${state.entities.size} entities · ${renderer.renderedCount} drawn · ${state.connections.size} connections · ${renderer.fps.toFixed(0)} fps`;
  if (sceneStats.textContent !== text) sceneStats.textContent = text;
}, 1000);

createTestHook({ state, renderer, meter, topologyFeed, eventsFeed, batcher, view, select, events, filtersPanel: filters, getSelected: () => selectedId });
