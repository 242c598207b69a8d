// Builds the two live feeds (topology and events) from the stream client and
// the transports, in the order WebSocket → SSE; `?transport=sse` or
// `?transport=ws` in the page URL pins one (handy when debugging a server).
import { createStreamClient } from './stream/stream-client.js';
import { sseTransport } from './stream/sse-transport.js';
import { wsTransport } from './stream/ws-transport.js';
import { fetchJson } from './stream/fetch-json.js';

function transportsFor(ssePath, channel, messageType, onNotice = null) {
  const pinned = new URLSearchParams(location.search).get('transport');
  const all = { ws: wsTransport('api/infra/ws', channel, messageType, globalThis.WebSocket, globalThis.location, onNotice), sse: sseTransport(ssePath) };
  if (pinned && all[pinned]) return [all[pinned]];
  return [all.ws, all.sse];
}

/** The topology feed: every TopologyUpdate goes to `onUpdate`; polling delivers snapshots as `full` updates. */
export function createTopologyFeed({ onUpdate, onStatus, onNotice = null }) {
  const snapshot = async () => {
    const topology = await fetchJson('api/infra/topology');
    onUpdate({ kind: 'full', revision: topology.revision, timestamp: topology.timestamp, topology });
  };
  return createStreamClient({
    transports: transportsFor('api/infra/topology/stream', 'topology', 'topology', onNotice),
    poll: snapshot,
    onMessage: onUpdate,
    onStatus,
    // Revisions restart with the server process, so a restarted server that
    // has already passed our Last-Event-ID "resumes" us onto a different
    // history. One snapshot after every resumed reconnection settles any such
    // doubt; deltas it already covers are then skipped (state.js isStale).
    onConnected: (info) => { if (info.resumed) snapshot().catch(() => {}); },
  });
}

/** The event feed; a fresh (not resumed) connection is seeded with the recent events. */
export function createEventsFeed({ onEvents }) {
  const recent = async () => onEvents(await fetchJson('api/infra/events?limit=100'));
  return createStreamClient({
    transports: transportsFor('api/infra/events/stream', 'events', 'event'),
    poll: recent,
    onMessage: (ev) => onEvents([ev]),
    onConnected: (info) => { if (!info.resumed) recent().catch(() => {}); },
  });
}
