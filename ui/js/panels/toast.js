// Small transient notices (graph API changes, as in the graph sprint seed).
import { $, h } from './dom.js';

const MAX_VISIBLE = 4;

export function createToaster(lifetimeMs = 3500) {
  const root = $('toasts');
  return {
    show(text, kind = '') {
      const el = h('div', { class: `toast ${kind}` }, text);
      root.append(el);
      while (root.children.length > MAX_VISIBLE) root.firstElementChild.remove();
      setTimeout(() => {
        el.classList.add('leaving');
        setTimeout(() => el.remove(), 350);
      }, lifetimeMs);
    },
  };
}
