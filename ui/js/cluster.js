// Which cluster an entity belongs to, read from its id as the server reads
// it (AccessRestriction.cluster(ofID:), docs/SCALE-OUT.md "Ids"): the
// instance name after `@` in the id's prefix, `prod` in `k8s@prod:pod/a/b`.
// An edge merging several clusters gives every id one. Pure.

/** The key of entities whose id names no cluster (a plain `serve`'s `k8s:pod/a/b`). */
export const NO_CLUSTER = '(none)';

/** The entity's cluster, or NO_CLUSTER. */
export function clusterOf(entity) {
  const id = typeof entity?.id === 'string' ? entity.id : '';
  const colon = id.indexOf(':');
  if (colon < 0) return NO_CLUSTER;
  const at = id.lastIndexOf('@', colon);
  const name = at < 0 ? '' : id.slice(at + 1, colon);
  return name || NO_CLUSTER;
}
