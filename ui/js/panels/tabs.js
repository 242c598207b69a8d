// Side panel tabs and the mobile drawers.
import { $ } from './dom.js';

export function createTabs(onChange = () => {}) {
  const buttons = [...document.querySelectorAll('.tabs [data-tab]')];
  let current = 'details';
  const select = (name) => {
    current = name;
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.tab === name));
    for (const b of buttons) $(`tab-${b.dataset.tab}`).hidden = b.dataset.tab !== name;
    onChange(name);
  };
  for (const b of buttons) b.addEventListener('click', () => select(b.dataset.tab));
  return { select, get current() { return current; } };
}

/** Wires the two drawer toggles (filters left, panel right) and the scrim that closes them. */
export function createDrawers() {
  const scrim = $('scrim');
  const drawers = { filters: [$('filters'), $('filters-toggle')], panel: [$('panel'), $('panel-toggle')] };
  const set = (name, open) => {
    for (const [key, [el, toggle]] of Object.entries(drawers)) {
      const isOpen = key === name ? open : false;
      el.classList.toggle('open', isOpen);
      toggle.setAttribute('aria-expanded', String(isOpen));
    }
    scrim.hidden = !open;
  };
  for (const [name, [el, toggle]] of Object.entries(drawers)) toggle.addEventListener('click', () => set(name, !el.classList.contains('open')));
  scrim.addEventListener('click', () => set(null, false));
  return { open: (name) => set(name, true), close: () => set(null, false) };
}
