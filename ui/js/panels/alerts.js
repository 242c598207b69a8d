// Alerts tab: warning and critical entities, worst first.
import { $, h } from './dom.js';
import { alertEntities } from '../alerts.js';
import { formatKind, formatPercent } from '../format.js';
import { healthCss } from '../health.js';

export function createAlertsPanel({ state, select }) {
  const list = $('alert-list');
  const badge = $('alerts-badge');
  return {
    render() {
      const alerts = alertEntities(state.entities.values());
      const critical = alerts.filter((e) => (e.health ?? 0) < 0.5).length;
      badge.hidden = critical === 0;
      badge.textContent = String(critical);
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
