// Connection state machine shared by the topology and event feeds. DOM-free:
// transports, timers, randomness and the poller are injected, so node --test
// drives it without a browser.
//
// Transports are tried in order (WebSocket → SSE); one that never opened in
// this session is skipped for good, since the server evidently lacks it.
// Failures back off 1, 2, 4, 8, 16 s with jitter; after a few of them the
// client also polls the snapshot so the picture stays fresh, while it keeps
// trying the stream.
import { backoffDelay } from '../backoff.js';
import { POLL_AFTER_FAILURES, POLL_INTERVAL_MS, OFFLINE_AFTER_FAILURES } from '../config.js';

/** The indicator's words, in the order a session usually meets them. */
export const STATUS = Object.freeze({
  connecting: 'Connecting', connected: 'Connected', reconnecting: 'Reconnecting', error: 'Error', offline: 'Offline',
});

/** Thrown by pollers when the server answered, but with an error status. */
export class HttpStatusError extends Error {
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

/**
 * options:
 *  transports: [{ name, open(handlers) → { close() } }]; handlers are
 *    { lastEventId, onConnected(info), onMessage(data, id), onFailure({ opened, fatal }) }
 *  poll: async () → void, delivers the snapshot itself; throws HttpStatusError or any error
 *  onMessage(data), onStatus(status, detail), onConnected(info)
 *  setTimer, clearTimer, random
 */
export function createStreamClient(options) {
  const {
    transports, poll, onMessage, onStatus = () => {}, onConnected = () => {},
    setTimer = setTimeout, clearTimer = clearTimeout, random = Math.random,
  } = options;
  const worked = new Set();
  const skipped = new Set();
  let lastEventId = options.lastEventId ?? null;
  let failures = 0;
  let current = null;
  let retryTimer = null;
  let pollTimer = null;
  let pollReachedServer = false;
  // The server answered but refused (HTTP error, refused stream): shown as
  // Error until something succeeds, since retrying alone will not fix it.
  let serverError = false;
  let online = true;
  let stopped = true;
  let status = null;
  let transportName = null;

  const setStatus = (next, detail = '') => {
    status = next;
    onStatus(next, detail);
  };

  const pick = () => transports.find((t) => !skipped.has(t.name)) ?? transports[transports.length - 1];

  function connect() {
    retryTimer = null;
    if (stopped || !online) return;
    const transport = pick();
    transportName = transport.name;
    let done = false;
    const handle = transport.open({
      lastEventId,
      onConnected(info = {}) {
        if (done) return;
        worked.add(transport.name);
        failures = 0;
        serverError = false;
        stopPolling();
        setStatus(STATUS.connected, transport.name);
        onConnected({ ...info, transport: transport.name });
      },
      onMessage(data, id) {
        if (done) return;
        if (id !== undefined && id !== null && id !== '') lastEventId = String(id);
        onMessage(data);
      },
      onFailure({ opened = false, fatal = false } = {}) {
        if (done) return;
        done = true;
        handle?.close();
        if (current === handle) current = null;
        failed(transport, opened, fatal);
      },
    });
    current = handle;
  }

  function failed(transport, opened, fatal) {
    if (stopped) return;
    const next = transports[transports.indexOf(transport) + 1];
    if (!opened && !worked.has(transport.name) && next && !skipped.has(transport.name)) {
      // Never opened in this session: the server does not offer it. Fall
      // through to the next transport at once instead of backing off.
      skipped.add(transport.name);
      connect();
      return;
    }
    failures += 1;
    if (fatal) serverError = true;
    if (serverError) setStatus(STATUS.error, fatal ? 'stream refused' : 'server error');
    else if (failures >= OFFLINE_AFTER_FAILURES && !pollReachedServer) setStatus(STATUS.offline, 'server unreachable');
    else setStatus(STATUS.reconnecting, pollTimer ? 'polling' : '');
    if (failures >= POLL_AFTER_FAILURES) startPolling();
    retryTimer = setTimer(connect, backoffDelay(failures - 1, random));
  }

  async function pollOnce() {
    pollTimer = null;
    if (stopped || status === STATUS.connected) return;
    try {
      await poll();
      pollReachedServer = true;
      serverError = false;
      if (status !== STATUS.connected) setStatus(STATUS.reconnecting, 'polling');
    } catch (err) {
      pollReachedServer = err instanceof HttpStatusError;
      serverError = pollReachedServer;
      if (status !== STATUS.connected) {
        if (err instanceof HttpStatusError) setStatus(STATUS.error, err.message);
        else if (failures >= OFFLINE_AFTER_FAILURES) setStatus(STATUS.offline, 'server unreachable');
      }
    }
    if (!stopped && status !== STATUS.connected) pollTimer = setTimer(pollOnce, POLL_INTERVAL_MS);
  }

  function startPolling() {
    if (pollTimer === null) pollTimer = setTimer(pollOnce, 0);
  }

  function stopPolling() {
    if (pollTimer !== null) clearTimer(pollTimer);
    pollTimer = null;
    pollReachedServer = false;
  }

  function teardown() {
    if (retryTimer !== null) clearTimer(retryTimer);
    retryTimer = null;
    stopPolling();
    current?.close();
    current = null;
  }

  return {
    start() {
      stopped = false;
      setStatus(STATUS.connecting);
      connect();
    },
    stop() {
      stopped = true;
      teardown();
    },
    /** The browser says whether it has a network at all. */
    setOnline(value) {
      if (online === value) return;
      online = value;
      if (stopped) return;
      if (!online) {
        teardown();
        setStatus(STATUS.offline, 'no network');
      } else {
        failures = 0;
        setStatus(STATUS.reconnecting);
        connect();
      }
    },
    get status() { return status; },
    get failures() { return failures; },
    get lastEventId() { return lastEventId; },
    get transport() { return transportName; },
  };
}
