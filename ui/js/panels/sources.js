// Source states in the top bar, from GET /api/infra/sources (polled every
// few seconds): one pill per source instance with its state, the last error
// in its tooltip (with the last good cycle) and, when it is failing, in the
// pill itself. Clicking a pill
// filters the scene to that source.
import { $, h } from './dom.js';
import { formatRelativeTime } from '../format.js';

/** Tooltip text for one status: state, message, per-part details, age. */
export function sourceTitle(s) {
  const lines = [`${s.name}: ${s.state}`];
  if (s.message) lines.push(s.message);
  for (const [k, v] of Object.entries(s.details ?? {})) lines.push(`${k}: ${v}`);
  if (s.updated_at) lines.push(`updated ${formatRelativeTime(s.updated_at)}`);
  if (s.last_good_at) lines.push(`last good cycle ${formatRelativeTime(s.last_good_at)}`);
  if (s.last_error && s.state !== 'error') {
    lines.push(`last error${s.last_error_at ? ` ${formatRelativeTime(s.last_error_at)}` : ''}: ${s.last_error}`);
  }
  return lines.join('\n');
}

export function createSourcesPanel({ onToggle, isActive }, root = $('sources')) {
  let lastKey = '';
  return {
    render(statuses) {
      const list = Array.isArray(statuses) ? [...statuses].sort((a, b) => String(a.name).localeCompare(String(b.name))) : [];
      const key = JSON.stringify(list.map((s) => [s.name, s.state, s.message, s.details, isActive(s.name)]));
      if (key === lastKey) return;
      lastKey = key;
      root.hidden = !list.length;
      root.replaceChildren(...list.map((s) => {
        const failing = s.state === 'error' || s.state === 'degraded';
        return h('button', {
          class: 'source-pill', dataset: { source: s.name, state: s.state }, title: sourceTitle(s),
          'aria-pressed': String(isActive(s.name)), onclick: () => onToggle(s.name),
        }, h('i', { class: 'dot' }), h('span', { class: 'name' }, s.name),
        failing && s.message ? h('span', { class: 'error' }, s.message) : null);
      }));
    },
  };
}
