// WebSocket transport (PROTOCOL.md "WebSocket: /api/infra/ws"): one socket
// per feed, subscribed to one channel, resuming with `resume_from`.

const SUBSCRIBE_TIMEOUT_MS = 4000;
// Server-wide messages a feed passes on as they come (churn, docs/CHURN.md).
const NOTICE_TYPES = new Set(['namespace_summary', 'high_churn_warning']);

/**
 * `channel` is 'topology' or 'events'; messages of type `messageType`
 * ('topology' or 'event') carry the payload the feed wants.
 */
export function wsTransport(path, channel, messageType, WebSocketImpl = globalThis.WebSocket, location = globalThis.location, onNotice = null) {
  return {
    name: 'ws',
    open({ lastEventId, onConnected, onMessage, onFailure }) {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const base = location.pathname.replace(/[^/]*$/, '');
      let socket;
      try {
        socket = new WebSocketImpl(`${scheme}//${location.host}${base}${path}`);
      } catch {
        queueMicrotask(() => onFailure({ opened: false }));
        return { close() {} };
      }
      let opened = false;
      let subscribed = false;
      // A server that upgrades but never confirms the subscription is treated
      // as lacking the channel, so the client moves on to the next transport.
      const subscribeTimer = setTimeout(() => { if (!subscribed) socket.close(); }, SUBSCRIBE_TIMEOUT_MS);
      socket.onopen = () => {
        opened = true;
        const payload = { channels: [channel] };
        // Events resume on their own counter (docs/STREAMING.md).
        if (lastEventId !== null && lastEventId !== undefined) payload[channel === 'events' ? 'resume_events_from' : 'resume_from'] = lastEventId;
        socket.send(JSON.stringify({ type: 'subscribe', payload }));
      };
      socket.onmessage = (e) => {
        let env;
        try { env = JSON.parse(e.data); } catch { return; }
        if (env.type === 'subscribed' && !subscribed) {
          subscribed = true;
          clearTimeout(subscribeTimer);
          onConnected(env.payload ?? {});
        } else if (env.type === 'ping') {
          socket.send(JSON.stringify({ type: 'pong' }));
        } else if (env.type === messageType && env.payload) {
          onMessage(env.payload, env.id);
        } else if (onNotice && NOTICE_TYPES.has(env.type)) {
          onNotice(env.type, env.payload);
        }
      };
      socket.onerror = () => {};
      // Only a socket that got as far as `subscribed` counts as having worked:
      // a server that upgrades but cannot serve the channel is as good as none.
      socket.onclose = () => {
        clearTimeout(subscribeTimer);
        onFailure({ opened: opened && subscribed });
      };
      return {
        close() {
          clearTimeout(subscribeTimer);
          socket.onclose = null;
          socket.onmessage = null;
          try { socket.close(); } catch { /* already closed */ }
        },
      };
    },
  };
}
