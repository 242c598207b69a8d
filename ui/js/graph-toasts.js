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
