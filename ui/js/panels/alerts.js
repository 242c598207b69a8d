// Alerts tab: warning and critical entities, worst first.
import { $, h } from './dom.js';
import { alertEntities } from '../alerts.js';
import { formatKind, formatPercent } from '../format.js';
import { healthCss } from '../health.js';

// The badge counts critical entities from the state's running band counts;
// the list (a walk and sort of every unhealthy entity) is built only while the
// tab is shown, and its DOM only replaced when the rows differ.
export function createAlertsPanel({ state, select, isVisible = () => true }) {
  const list = $('alert-list');
  const badge = $('alerts-badge');
  let lastKey = null;
  return {
    render() {
      const critical = state.bands.critical;
      badge.hidden = critical === 0;
      const text = String(critical);
      if (badge.textContent !== text) badge.textContent = text;
      if (!isVisible()) return;
      const alerts = alertEntities(state.entities.values());
      const key = alerts.map((e) => `${e.id}|${e.health}|${e.status}|${e.name}|${e.namespace}`).join('\n');
      if (key === lastKey) return;
      lastKey = key;
      if (!alerts.length) {
        list.replaceChildren(h('li', { class: 'empty' }, 'All entities are healthy.'));
        return;
      }
      list.replaceChildren(...alerts.map((e) => h('li', { onclick: () => select(e.id), dataset: { entityId: e.id } },
        h('span', { class: 'score', style: { background: healthCss(e.health) } }, formatPercent(e.health)),
        h('div', {},
          h('div', { class: 'name' }, e.name),
          h('div', { class: 'meta' }, h('span', {}, formatKind(e.kind)), h('span', {}, e.status ?? ''), h('span', {}, e.namespace ?? ''))))));
    },
  };
}
