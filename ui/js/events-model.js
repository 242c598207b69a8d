// The live event feed: newest first, deduplicated by seq, bounded in size.
import { EVENT_FEED_LIMIT, SEVERITIES } from './config.js';

export function createEventFeed(limit = EVENT_FEED_LIMIT) {
  return { events: [], seen: new Set(), limit, lastSeq: -1 };
}

/**
 * Adds events (any order), keeping the feed sorted newest first. Returns the
 * events that were new, so the panel can highlight exactly those.
 */
export function addEvents(feed, events) {
  const fresh = [];
  for (const ev of events) {
    if (!ev || ev.seq === undefined || feed.seen.has(ev.seq)) continue;
    feed.seen.add(ev.seq);
    fresh.push(ev);
  }
  if (!fresh.length) return fresh;
  feed.events.push(...fresh);
  feed.events.sort((a, b) => b.seq - a.seq);
  for (const ev of feed.events.splice(feed.limit)) feed.seen.delete(ev.seq);
  feed.lastSeq = Math.max(feed.lastSeq, feed.events[0]?.seq ?? -1);
  return fresh;
}

/** Index of a severity in info < warning < error < critical (unknown counts as info). */
export function severityRank(severity) {
  return Math.max(0, SEVERITIES.indexOf(severity));
}

/** Events at or above `minSeverity` ('' for all) and of one of `kinds` (empty set for all). */
export function filterEvents(events, { minSeverity = '', kinds = new Set() } = {}) {
  const min = minSeverity ? severityRank(minSeverity) : 0;
  return events.filter((ev) => severityRank(ev.severity) >= min && (!kinds.size || kinds.has(ev.entity_kind)));
}
