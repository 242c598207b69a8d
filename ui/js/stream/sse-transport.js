// Server-Sent Events transport (PROTOCOL.md "Server-Sent Events").
//
// The browser's own EventSource retry is switched off by closing on the first
// error: the stream client owns backoff and status, and resumes with the
// `last_event_id` query parameter (a new EventSource cannot set the header).

/** `path` is relative to the page; `EventSourceImpl` is injectable for tests. */
export function sseTransport(path, EventSourceImpl = globalThis.EventSource) {
  return {
    name: 'sse',
    open({ lastEventId, onConnected, onMessage, onFailure }) {
      const url = lastEventId !== null && lastEventId !== undefined
        ? `${path}${path.includes('?') ? '&' : '?'}last_event_id=${encodeURIComponent(lastEventId)}`
        : path;
      const source = new EventSourceImpl(url);
      let opened = false;
      source.addEventListener('connected', (e) => {
        opened = true;
        let info = {};
        try { info = JSON.parse(e.data); } catch { /* connected carries no data we depend on */ }
        onConnected(info);
      });
      source.onmessage = (e) => {
        let data;
        try { data = JSON.parse(e.data); } catch { return; } // one bad message must not end the stream
        onMessage(data, e.lastEventId);
      };
      source.onerror = () => {
        // CLOSED after an error means the server answered but refused the
        // stream (HTTP error or wrong type); CONNECTING means the network dropped.
        const refused = source.readyState === 2;
        source.close();
        onFailure({ opened: opened || !refused, fatal: refused && !opened });
      };
      return { close: () => source.close() };
    },
  };
}
