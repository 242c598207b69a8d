// Toast text and rate limiting for graph events (the graph seed's live UI).
// Pure logic: the DOM side shows what `take` returns.

const KIND_WORDS = { service: 'service', deployment: 'deployment', pod: 'pod', node: 'node', custom: 'node' };

/** "New service: billing" for a graph.node.created payload. */
export function createdMessage(event) {
  const word = KIND_WORDS[event.node_type] ?? event.node_type ?? 'node';
  return `New ${word}: ${event.label ?? event.node_id}`;
}

/** One summary for a burst: "12 new nodes". */
export function summaryMessage(count) {
  return `${count} new node${count === 1 ? '' : 's'}`;
}

/**
 * Lets `limit` toasts through per `windowMs`; the rest of a burst are counted
 * and come out of `flush` as one summary, so a bulk change shows one toast.
 */
export class ToastLimiter {
  constructor({ limit = 3, windowMs = 2000 } = {}) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.shown = [];
    this.held = 0;
  }

  /** The message to show now, or null when it is held for the summary. */
  take(event, now) {
    this.shown = this.shown.filter((t) => now - t < this.windowMs);
    if (this.shown.length < this.limit && this.held === 0) {
      this.shown.push(now);
      return createdMessage(event);
    }
    this.held += 1;
    return null;
  }

  /** The summary of held events once the window has passed, else null. */
  flush(now) {
    this.shown = this.shown.filter((t) => now - t < this.windowMs);
    if (this.held === 0 || this.shown.length > 0) return null;
    const message = summaryMessage(this.held);
    this.held = 0;
    this.shown.push(now);
    return message;
  }
}

// What a layout move changes (the position, and the store stamps `updated_at`):
// a change to these alone is the graph settling, not news.
const LAYOUT_FIELDS = new Set(['x', 'y', 'z', 'updated_at']);

/**
 * True when `entity` (as the server sent it) differs from `known` in more than
 * its position. Only the server's fields count: the page may add its own.
 */
export function changedBeyondPosition(entity, known) {
  if (!known) return true;
  for (const key of Object.keys(entity)) {
    if (LAYOUT_FIELDS.has(key)) continue;
    if (JSON.stringify(entity[key]) !== JSON.stringify(known[key])) return true;
  }
  return false;
}

/**
 * The toast for a topology update of a graph API entity, or null: the graph
 * events stream announces new nodes, and a move by the layout is no change
 * a person asked for. `known` is the entity as the page held it before.
 */
export function graphApiToast(update, known, formatKind) {
  if (!['add', 'update', 'remove'].includes(update.kind) || !update.entity) return null;
  const source = update.entity.source ?? known?.source;
  if (source !== 'api') return null;
  if (update.kind === 'add' && !known) return null;
  if (update.kind !== 'remove' && !changedBeyondPosition(update.entity, known)) return null;
  const name = update.entity.name ?? known?.name ?? update.entity.id;
  const verb = update.kind === 'remove' ? 'removed' : 'updated';
  return { text: `Graph API: ${formatKind(update.entity.kind ?? known?.kind)} “${name}” ${verb}`, verb };
}
