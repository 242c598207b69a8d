// <div id="progress-bar">: role progressbar with aria values, the stage and
// plugin name, and a fill that animates (CSS transition) to each new value.
import { h } from '../panels/dom.js';
import { progressModel } from './realtime-state.js';

export function createProgressBar(root) {
  root.setAttribute('role', 'progressbar');
  root.setAttribute('aria-valuemin', '0');
  root.setAttribute('aria-valuemax', '100');
  root.classList.add('progress-bar');
  const fill = h('div', { class: 'progress-fill' });
  const label = h('span', { class: 'progress-label' });
  const stage = h('span', { class: 'progress-stage' });
  const plugin = h('span', { class: 'progress-plugin' });
  root.replaceChildren(h('div', { class: 'progress-track' }, fill), h('div', { class: 'progress-text' }, label, stage, plugin));

  return {
    render(state) {
      const m = progressModel(state);
      root.setAttribute('aria-valuenow', String(m.value));
      root.setAttribute('aria-valuetext', m.plugin ? `${m.label}, ${m.plugin}` : m.label);
      root.setAttribute('aria-busy', String(m.busy));
      root.dataset.busy = String(m.busy);
      fill.style.width = `${m.value}%`;
      label.textContent = m.label;
      stage.textContent = m.stage ? `stage: ${m.stage}` : '';
      plugin.textContent = m.plugin ? `plugin: ${m.plugin}` : '';
    },
  };
}
