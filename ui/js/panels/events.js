// Events tab: the live feed, newest first, new rows highlighted, filterable
// by minimum severity and entity kind.
import { $, h } from './dom.js';
import { addEvents, createEventFeed, filterEvents } from '../events-model.js';
import { formatKind, formatRelativeTime } from '../format.js';
import { ENTITY_KINDS } from '../config.js';
import { eventIcon } from '../event-icons.js';

const SHOWN = 150;

export function createEventsPanel({ select, isVisible }) {
  const feed = createEventFeed();
  const list = $('event-feed');
  const severity = $('event-severity');
  const kind = $('event-kind');
  const badge = $('events-badge');
  let unseen = 0;
  // The timeline's window (oldest first from history), shown instead of the
  // live feed while the map shows the past; null when live.
  let windowed = null;
  for (const k of ENTITY_KINDS) kind.append(h('option', { value: k }, formatKind(k)));

  const render = (fresh = new Set()) => {
    const source = windowed ?? feed.events;
    const shown = filterEvents(source, { minSeverity: severity.value, kinds: kind.value ? new Set([kind.value]) : new Set() }).slice(0, SHOWN);
    if (!shown.length) {
      list.replaceChildren(h('li', { class: 'empty' }, source.length ? 'No events match the filter.' : windowed ? 'No events in this window.' : 'Waiting for events…'));
      return;
    }
    list.replaceChildren(...shown.map((ev) => {
      const icon = eventIcon(ev);
      return h('li', {
        class: `sev-${icon.severity}${fresh.has(ev.seq) ? ' new' : ''}`,
        title: ev.entity_id,
        dataset: { seq: ev.seq, category: icon.category },
        onclick: () => ev.entity_id && select(ev.entity_id),
      },
      h('span', { class: `ev-icon sev-${icon.severity}`, title: `${icon.category} · ${icon.severity}`, 'aria-label': `${icon.category}, ${icon.severity}` }, icon.glyph),
      h('div', { class: 'ev-body' },
        h('div', { class: 'msg' }, ev.message ?? ev.reason ?? ''),
        h('div', { class: 'meta' },
          h('span', { class: 'reason' }, ev.reason ?? ev.type ?? ''),
          h('span', {}, `${formatKind(ev.entity_kind)}/${ev.entity_name ?? ''}`),
          h('span', {}, formatRelativeTime(ev.timestamp)))));
    }));
  };
  severity.addEventListener('change', () => render());
  kind.addEventListener('change', () => render());

  return {
    /** Adds events from the stream or a snapshot; re-renders once. */
    add(events) {
      const fresh = addEvents(feed, events);
      if (!fresh.length || windowed) return;
      if (!isVisible()) {
        // Hidden: only the badge changes; the list is built when the tab is shown.
        unseen += fresh.length;
        badge.hidden = false;
        const text = unseen > 99 ? '99+' : String(unseen);
        if (badge.textContent !== text) badge.textContent = text;
        return;
      }
      render(new Set(fresh.map((ev) => ev.seq)));
    },
    shown() {
      unseen = 0;
      badge.hidden = true;
      render();
    },
    /** Shows `list` (the timeline's window, newest first) instead of the live feed; null returns to it. */
    showWindow(list) {
      windowed = list;
      render();
    },
    get feed() { return feed; },
  };
}
