// The per-service pod counts shown in place of a churning namespace's pods.
import { h } from './dom.js';
import { podCountsByService } from '../churn.js';

/** Renders one card per churning namespace into `container`. */
export function createChurnPanel(container, { state, churn }) {
  function render() {
    container.hidden = churn.size === 0;
    container.replaceChildren(...[...churn.values()].sort((a, b) => a.namespace.localeCompare(b.namespace)).map(card));
  }

  function card(entry) {
    const rows = podCountsByService(state.entities.values(), entry.namespace);
    const rate = entry.rate ? ` · ${Math.round(entry.rate)} pods/min` : '';
    return h('section', { class: 'churn-card', dataset: { namespace: entry.namespace } },
      h('header', {}, h('b', {}, entry.namespace), ` high churn${rate}`),
      h('p', { class: 'muted' }, 'Pods are summarised per service until churn calms.'),
      h('table', {},
        h('tbody', {}, rows.map((r) => h('tr', {},
          h('th', {}, r.service),
          h('td', {}, `${r.total} pods`),
          h('td', { class: 'muted' }, [
            r.running && `${r.running} running`, r.pending && `${r.pending} pending`,
            r.terminating && `${r.terminating} terminating`, r.failed && `${r.failed} failed`,
          ].filter(Boolean).join(' · ')),
        ))),
      ),
    );
  }

  return { render };
}
