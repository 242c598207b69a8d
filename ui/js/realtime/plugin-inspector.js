// <div id="plugin-inspector">: per plugin its status, a timing bar (scaled
// to the slowest plugin of the job), its warnings and errors, and metadata.
import { h } from '../panels/dom.js';
import { formatSeconds, inspectorRows } from './realtime-state.js';

export function createPluginInspector(root) {
  root.classList.add('plugin-inspector');
  return {
    render(state) {
      const rows = inspectorRows(state);
      const general = [
        ...state.errors.filter((e) => !e.plugin).map((e) => h('li', { class: 'inspector-error' }, e.message)),
        ...state.warnings.filter((w) => !w.plugin).map((w) => h('li', { class: 'inspector-warning' }, w.message)),
      ];
      // replaceChildren would write a null as the text "null"; drop the parts not shown.
      root.replaceChildren(...[
        state.errors.length > 0 ? h('div', { class: 'inspector-banner', role: 'alert' }, `${state.errors.length} error${state.errors.length === 1 ? '' : 's'}`) : null,
        rows.length === 0 ? h('p', { class: 'inspector-empty' }, 'No plugin has run in this job yet.') : null,
        h('ul', { class: 'inspector-plugins' }, rows.map((row) => h('li', { class: 'inspector-plugin', dataset: { plugin: row.name, status: row.status } },
          h('div', { class: 'inspector-head' },
            h('span', { class: 'inspector-name' }, row.name),
            h('span', { class: `inspector-status status-${row.status}` }, row.status),
            h('span', { class: 'inspector-seconds' }, formatSeconds(row.seconds))),
          h('div', { class: 'inspector-bar', role: 'img', 'aria-label': `${row.name}: ${formatSeconds(row.seconds)}` },
            h('i', { style: { width: `${row.barPercent}%` } })),
          row.stage || row.version ? h('div', { class: 'inspector-meta' },
            [row.stage && `stage ${row.stage}`, row.version && `v${row.version}`, row.capabilities.length ? row.capabilities.join(', ') : null]
              .filter(Boolean).join(' · ')) : null,
          row.errors.length ? h('ul', { class: 'inspector-errors' }, row.errors.map((text) => h('li', { class: 'inspector-error' }, text))) : null,
          row.warnings.length ? h('ul', { class: 'inspector-warnings' }, row.warnings.map((text) => h('li', { class: 'inspector-warning' }, text))) : null))),
        general.length ? h('ul', { class: 'inspector-general' }, general) : null,
      ].filter(Boolean));
    },
  };
}
