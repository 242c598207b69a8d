// Filter controls: health band, kind and namespace chips, name search (focus
// with "/"), layout presets and the search result list (a quick way to
// select something by name).
import { $, h } from './dom.js';
import { ENTITY_KINDS } from '../config.js';
import { filterEntities, isFilterEmpty } from '../filter.js';
import { formatKind } from '../format.js';
import { kindCss, kindGlyph } from '../kinds.js';
import { normalizePreset } from '../layout.js';

const RESULTS = 40;

export function createFiltersPanel({ state, view, onFilterChange, onPresetChange, onFit, select }) {
  const bandsEl = $('filter-bands');
  const kindsEl = $('filter-kinds');
  const nsEl = $('filter-namespaces');
  const sourcesEl = $('filter-sources');
  const clustersEl = $('filter-clusters');
  const search = $('search');
  const results = $('search-results');
  let lastKey = '';
  let searchTimer = null;
  // Count badges of the chips on screen, by group and value, so a count change
  // rewrites one text node instead of rebuilding every chip.
  let countEls = new Map();

  const chip = (set, value, label, count) => h('button', {
    class: 'chip', 'aria-pressed': String(set.has(value)), dataset: { value },
    onclick: (ev) => {
      if (set.has(value)) set.delete(value); else set.add(value);
      ev.currentTarget.setAttribute('aria-pressed', String(set.has(value)));
      changed();
    },
  }, label, count === undefined ? null : countEl(set, value, count));

  function countEl(set, value, count) {
    const el = h('span', { class: 'n' }, String(count));
    countEls.set(set, countEls.get(set) ?? new Map());
    countEls.get(set).set(value, el);
    return el;
  }

  function setCount(set, value, count) {
    const el = countEls.get(set)?.get(value);
    const text = String(count);
    if (!el || el.textContent === text) return false;
    el.textContent = text;
    return true;
  }

  function changed() {
    renderResults();
    onFilterChange();
  }

  function renderResults() {
    const q = view.filter.search.trim();
    if (!q) { results.hidden = true; results.replaceChildren(); return; }
    const found = filterEntities(state.entities.values(), view.filter, RESULTS);
    results.hidden = false;
    results.replaceChildren(...(found.length ? found.map((e) => h('li', { onclick: () => select(e.id), dataset: { entityId: e.id }, title: e.id },
      h('span', {}, e.name), h('span', { class: 'kind' }, formatKind(e.kind)))) : [h('li', { class: 'empty' }, 'No match')]));
  }

  /** Rebuilds the chip lists when the kinds or namespaces present, or their counts, have changed. */
  function refresh() {
    // The state keeps these counts current per update (state.js), so this is
    // O(kinds + namespaces), not a walk over every entity.
    const { kinds, namespaces, bands, sources, clusters } = state;
    const kindList = ENTITY_KINDS.filter((k) => kinds.has(k) || view.filter.kinds.has(k));
    const nsList = [...new Set([...namespaces.keys(), ...view.filter.namespaces])].sort();
    const srcList = [...new Set([...sources.keys(), ...view.filter.sources])].sort();
    const clList = [...new Set([...clusters.keys(), ...view.filter.clusters])].sort();
    const key = JSON.stringify([kindList, nsList, srcList, clList]);
    if (key !== lastKey) {
      // Which chips exist changed: rebuild them all.
      lastKey = key;
      countEls = new Map();
      bandsEl.replaceChildren(...['healthy', 'warning', 'critical'].map((b) => chip(view.filter.bands, b, b, bands[b])));
      kindsEl.replaceChildren(...kindList.map((k) => chip(view.filter.kinds, k, [h('b', { class: 'glyph', style: { color: kindCss(k) } }, kindGlyph(k)), formatKind(k)], kinds.get(k) ?? 0)));
      nsEl.replaceChildren(...nsList.map((n) => chip(view.filter.namespaces, n, n, namespaces.get(n) ?? 0)));
      sourcesEl.replaceChildren(...srcList.map((n) => chip(view.filter.sources, n, n, sources.get(n) ?? 0)));
      clustersEl?.replaceChildren(...clList.map((n) => chip(view.filter.clusters, n, n, clusters.get(n) ?? 0)));
    } else {
      // Only counts moved: touch just the numbers that differ.
      let moved = false;
      for (const b of ['healthy', 'warning', 'critical']) moved = setCount(view.filter.bands, b, bands[b]) || moved;
      for (const k of kindList) moved = setCount(view.filter.kinds, k, kinds.get(k) ?? 0) || moved;
      for (const n of nsList) moved = setCount(view.filter.namespaces, n, namespaces.get(n) ?? 0) || moved;
      for (const n of srcList) moved = setCount(view.filter.sources, n, sources.get(n) ?? 0) || moved;
      for (const n of clList) moved = setCount(view.filter.clusters, n, clusters.get(n) ?? 0) || moved;
      if (!moved) return;
    }
    if (!results.hidden) renderResults();
  }

  search.addEventListener('input', () => {
    view.filter.search = search.value;
    clearTimeout(searchTimer);
    // The scene re-filters every entity, so typing is debounced.
    searchTimer = setTimeout(changed, 120);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      const first = results.querySelector('li[data-entity-id]');
      if (first) select(first.dataset.entityId);
    } else if (e.key === 'Escape') {
      search.value = '';
      view.filter.search = '';
      search.blur();
      changed();
    }
  });
  document.addEventListener('keydown', (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      search.focus();
      search.select();
    }
  });
  for (const button of document.querySelectorAll('[data-clear]')) {
    button.addEventListener('click', () => {
      view.filter[button.dataset.clear].clear();
      lastKey = '';
      refresh();
      changed();
    });
  }
  const presetButtons = [...document.querySelectorAll('#layout-presets [data-preset]')];
  const showPreset = (preset) => {
    for (const b of presetButtons) b.setAttribute('aria-pressed', String(b.dataset.preset === normalizePreset(preset)));
  };
  for (const b of presetButtons) {
    b.addEventListener('click', () => {
      showPreset(b.dataset.preset);
      onPresetChange(b.dataset.preset);
    });
  }
  $('fit-view').addEventListener('click', onFit);

  return {
    refresh: (force = false) => { if (force) lastKey = ''; refresh(); },
    renderResults,
    /** Shows the view's filter in the controls after it was replaced from outside (URL, back button). */
    showFilter() {
      if (search.value !== view.filter.search) search.value = view.filter.search;
      lastKey = '';
      refresh();
      renderResults();
    },
    showPreset,
    get active() { return !isFilterEmpty(view.filter); },
  };
}
