// Connection tracing: everything upstream (sources that lead to an entity)
// and downstream (targets it leads to). Pure graph walk over the state.

function walk(state, start, forward) {
  const seen = new Set();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop();
    for (const connId of state.links.get(id) ?? []) {
      const c = state.connections.get(connId);
      if (!c) continue;
      const from = forward ? c.source_id : c.target_id;
      const to = forward ? c.target_id : c.source_id;
      if (from !== id || to === start || seen.has(to)) continue;
      seen.add(to);
      stack.push(to);
    }
  }
  return seen;
}

/**
 * { upstream, downstream, connections }: entity ids reachable backwards and
 * forwards from `id`, and the ids of the connections on those paths.
 */
export function traceConnections(state, id) {
  const upstream = walk(state, id, false);
  const downstream = walk(state, id, true);
  const connections = new Set();
  // A connection is on a path when both its ends lie on the same side of
  // the trace (every upstream entity leads to id, every downstream one is
  // reached from it). Such a connection touches a traced entity, so only
  // their links are read: the cost follows the trace, not the graph.
  const collect = (side) => {
    const on = (x) => x === id || side.has(x);
    for (const x of [id, ...side]) {
      for (const connId of state.links.get(x) ?? []) {
        const c = state.connections.get(connId);
        if (c && on(c.source_id) && on(c.target_id)) connections.add(connId);
      }
    }
  };
  collect(upstream);
  collect(downstream);
  return { upstream, downstream, connections };
}
