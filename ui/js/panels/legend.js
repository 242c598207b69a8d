// The legend over the scene: every kind on screen with its shape glyph and
// colour, and how health and staleness are drawn, so a screenshot explains
// itself. Rebuilt only when the set of kinds present changes.
import { $, h } from './dom.js';
import { ENTITY_KINDS } from '../config.js';
import { formatKind } from '../format.js';
import { kindCss, kindGlyph } from '../kinds.js';

export function createLegend(root = $('legend')) {
  let lastKey = '';
  const kindsEl = h('ul', { class: 'legend-kinds' });
  root.replaceChildren(
    // Open on wide screens; on a phone it starts folded so it does not cover the scene.
    h('details', { open: typeof matchMedia !== 'function' || matchMedia('(min-width: 901px)').matches },
      h('summary', {}, 'Legend'),
      kindsEl,
      h('ul', { class: 'legend-health' },
        h('li', { dataset: { key: 'health' } }, h('i', { class: 'swatch fade' }), 'colour fades as health drops'),
        h('li', { dataset: { key: 'unhealthy' } }, h('i', { class: 'swatch pulse' }), 'red pulse: health < 50%'),
        h('li', { dataset: { key: 'stale' } }, h('i', { class: 'swatch stale' }), 'grey, faint: stale (source down)'),
        h('li', { dataset: { key: 'trace' } }, h('i', { class: 'swatch trace' }), 'click: trace up- and downstream'))));
  return {
    /** Shows the kinds in `kinds` (a Map or Set of kinds present), in display order. */
    render(kinds) {
      const present = ENTITY_KINDS.filter((k) => kinds.has(k));
      for (const k of kinds.keys()) if (!present.includes(k)) present.push(k);
      const key = present.join();
      if (key === lastKey) return;
      lastKey = key;
      kindsEl.replaceChildren(...present.map((k) => h('li', { dataset: { kind: k } },
        h('b', { class: 'glyph', style: { color: kindCss(k) } }, kindGlyph(k)), formatKind(k))));
    },
  };
}
