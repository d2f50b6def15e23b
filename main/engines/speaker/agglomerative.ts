/**
 * Agglomerative clustering of embeddings with cosine distance max(0, 1 − cos) (MODELS.md §6.5 step 5).
 *
 * Linkage: the default is AVERAGE, deliberately not sherpa's complete linkage. Complete linkage
 * merges two groups only when their two most distant members are close; over a meeting, one
 * person's windows span several conditions (laughing, a different mic distance, short words), so
 * the farthest pair of their windows is often beyond the threshold and complete linkage leaves the
 * person split in two or three — the top diarization complaint in the issue. Average linkage
 * compares group means, so one outlying window cannot veto a merge, while two genuinely different
 * voices still stay apart. 'complete' remains available for sherpa parity.
 *
 * Algorithm: nearest-neighbour chain (O(n²) time, one n×n distance matrix), valid because both
 * linkages are reducible; merges are then sorted by height and replayed with union-find, which is
 * how scipy/fastcluster produce the same dendrogram. An hour of 1.5 s windows (2400) is ~23 MB.
 */
import { l2Normalize } from './vector';

export type Linkage = 'average' | 'complete';

export interface AgglomerativeOptions {
  linkage?: Linkage;
  /** Cut: stop merging above this cosine distance (sherpa default 0.5). Ignored when numClusters is set. */
  distanceThreshold?: number;
  /** Cut at exactly this many clusters (the user's speaker count), when there are that many items. */
  numClusters?: number;
}

export interface Merge {
  a: number;
  b: number;
  distance: number;
}

export const DEFAULT_LINKAGE: Linkage = 'average';
export const DEFAULT_DISTANCE_THRESHOLD = 0.5;

/** Cluster index per item, numbered 0.. in order of first appearance (item order). */
export function agglomerate(
  embeddings: readonly ArrayLike<number>[],
  options: AgglomerativeOptions = {},
): number[] {
  if (embeddings.length === 0) return [];
  return cutDendrogram(
    embeddings.length,
    dendrogram(embeddings, options.linkage ?? DEFAULT_LINKAGE),
    options,
  );
}

/** Flat clusters from a dendrogram of n items: at a distance threshold, or at a cluster count. */
export function cutDendrogram(
  n: number,
  merges: readonly Merge[],
  cut: Pick<AgglomerativeOptions, 'distanceThreshold' | 'numClusters'>,
): number[] {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  if (cut.numClusters !== undefined) {
    const k = Math.max(1, Math.min(n, Math.floor(cut.numClusters)));
    for (let i = 0; i < n - k; i++) parent[find(merges[i]!.b)] = find(merges[i]!.a);
  } else {
    const threshold = cut.distanceThreshold ?? DEFAULT_DISTANCE_THRESHOLD;
    for (const m of merges) {
      if (m.distance > threshold) break;
      parent[find(m.b)] = find(m.a);
    }
  }
  const ids = new Map<number, number>();
  return Array.from({ length: n }, (_, i) => {
    const root = find(i);
    let id = ids.get(root);
    if (id === undefined) ids.set(root, (id = ids.size));
    return id;
  });
}

/** The n − 1 merges sorted by height; merge (a, b) joins the clusters containing items a and b. */
export function dendrogram(embeddings: readonly ArrayLike<number>[], linkage: Linkage): Merge[] {
  const n = embeddings.length;
  // Unit vectors once, so each of the n²/2 distances is a single dot product.
  const dim = n ? embeddings[0]!.length : 0;
  const unit = new Float32Array(n * dim);
  embeddings.forEach((e, i) => {
    if (e.length !== dim) throw new RangeError(`embedding dimensions differ: ${dim} vs ${e.length}`);
    unit.set(l2Normalize(e) ?? new Float32Array(dim), i * dim);
  });
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * dim;
    for (let j = i + 1; j < n; j++) {
      const oj = j * dim;
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += unit[oi + k]! * unit[oj + k]!;
      const v = dot < 1 ? 1 - dot : 0;
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  }
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: Merge[] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1]!;
    const prev = chain.length >= 2 ? chain[chain.length - 2]! : -1;
    // Nearest active neighbour of a; ties go to the chain predecessor so the chain terminates.
    let best = prev;
    let bestD = prev >= 0 ? d[a * n + prev]! : Infinity;
    for (let k = 0; k < n; k++) {
      if (k === a || !active[k]) continue;
      const v = d[a * n + k]!;
      if (v < bestD) {
        bestD = v;
        best = k;
      }
    }
    if (best !== prev) {
      chain.push(best);
      continue;
    }
    chain.pop();
    chain.pop();
    // Merge prev into a (slot a keeps the union), Lance-Williams update of a's row.
    const na = size[a]!;
    const nb = size[prev]!;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a || k === prev) continue;
      const da = d[a * n + k]!;
      const db = d[prev * n + k]!;
      const v = linkage === 'complete' ? Math.max(da, db) : (na * da + nb * db) / (na + nb);
      d[a * n + k] = v;
      d[k * n + a] = v;
    }
    size[a] = na + nb;
    active[prev] = 0;
    remaining--;
    merges.push({ a, b: prev, distance: bestD });
  }
  // Stable sort: equal heights keep discovery order.
  return merges
    .map((m, i) => ({ m, i }))
    .sort((x, y) => x.m.distance - y.m.distance || x.i - y.i)
    .map((x) => x.m);
}
