// Alerts tab: the server's alerts (docs/ALERTS.md), firing ones first, then
// the recently resolved, kept live by `api/infra/alerts/stream`.
import { $, h } from './dom.js';
import { createAlertBook, loadAlerts, applyAlert, activeAlerts } from '../alerts.js';

// The stream's `connected` event carries the whole list, so a reconnect
// (EventSource retries by itself) starts from the server's state again.
export function createAlertsPanel({ state, select, isVisible = () => true, EventSourceImpl = globalThis.EventSource }) {
  const list = $('alert-list');
  const badge = $('alerts-badge');
  const book = createAlertBook();
  let dirty = true;
  if (EventSourceImpl) {
    const source = new EventSourceImpl('api/infra/alerts/stream');
    source.addEventListener('connected', (e) => { loadAlerts(book, JSON.parse(e.data)); dirty = true; panel.render(); });
    source.addEventListener('alert', (e) => { applyAlert(book, JSON.parse(e.data)); dirty = true; panel.render(); });
  }
  const row = (alert) => h('li', {
    class: `alert ${alert.state} ${alert.severity}`,
    dataset: { alertId: alert.id, state: alert.state },
    onclick: () => { if (state.entities.has(alert.subject)) select(alert.subject); },
  },
  h('span', { class: `score severity-${alert.severity}` }, alert.severity),
  h('div', {},
    h('div', { class: 'name' }, alert.summary),
    h('div', { class: 'meta' }, h('span', {}, alert.rule), h('span', {}, alert.state),
      h('span', {}, alert.resolved_at ?? alert.fired_at ?? ''))));
  const panel = {
    render() {
      const active = activeAlerts(book);
      badge.hidden = active.length === 0;
      const text = String(active.length);
      if (badge.textContent !== text) badge.textContent = text;
      if (!isVisible() || !dirty) return;
      dirty = false;
      const rows = [...active, ...book.resolved].map(row);
      list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'empty' }, 'No alerts.')]));
    },
  };
  return panel;
}
