/**
 * End-of-meeting re-clustering (issue 7 §2): all reliable window embeddings are clustered again
 * with hindsight (agglomerative, cosine distance; threshold, or the speaker count the user gave),
 * unreliable windows are attributed afterwards (closest centroid if clear, else where their live
 * label went, else their time neighbour), and the new clusters are mapped onto the live labels by maximum total overlap
 * (Hungarian), so "S2" stays "S2" — and any name the user gave it stays with it. A cluster that
 * matches no live label gets the next unused label; a live label with no counterpart disappears
 * (it was a split of another speaker).
 */
import {
  cutDendrogram,
  DEFAULT_DISTANCE_THRESHOLD,
  DEFAULT_LINKAGE,
  dendrogram,
  type Linkage,
} from './agglomerative';
import { maxWeightAssignment } from './assignment';
import { cosine, meanDirection, type Embedding } from './vector';

export interface ReclusterItem {
  segmentId: string;
  startMs: number;
  endMs: number;
  embedding: Embedding | null;
  reliable: boolean;
  /** Label the live diarizer gave. */
  speaker: string;
}

export interface ReclusterOptions {
  linkage?: Linkage;
  /** Cosine distance cut (1 − similarity); default 0.5 as sherpa. */
  distanceThreshold?: number;
  /** The user's speaker count, when given: overrides the threshold. */
  numSpeakers?: number;
  /**
   * Clusters with less speech than this are folded into their closest larger cluster (a stray
   * cluster of one or two windows is almost always a split, not a person). 0 disables.
   */
  minClusterMs?: number;
  /** Cosine an unreliable window needs to join a centroid on its own merit. */
  attachThreshold?: number;
  /** Label for speaker n when a new one is needed (must match the live diarizer's scheme). */
  labelFor?: (n: number) => string;
}

export interface ReclusterResult {
  /** New speaker per item, in input order. */
  speakers: string[];
  /** live label -> label after re-clustering (labels that survived map to themselves). */
  relabel: Map<string, string>;
  centroids: Map<string, Embedding>;
}

export function recluster(items: readonly ReclusterItem[], options: ReclusterOptions = {}): ReclusterResult {
  const threshold = options.distanceThreshold ?? DEFAULT_DISTANCE_THRESHOLD;
  const attach = options.attachThreshold ?? 1 - threshold;
  const minMs = options.minClusterMs ?? 0;
  const core = items.map((it, i) => ({ it, i })).filter(({ it }) => it.reliable && it.embedding);
  const clusterOf = new Array<number>(items.length).fill(-1);
  if (core.length > 0) {
    const merges = dendrogram(
      core.map(({ it }) => it.embedding!),
      options.linkage ?? DEFAULT_LINKAGE,
    );
    const durations = core.map(({ it }) => it.endMs - it.startMs);
    let ids: number[];
    if (options.numSpeakers !== undefined) {
      // The user's count is a count of people: cut finer until that many clusters hold real
      // speech, so a stray outlier window cannot take one of the k places (it is folded below).
      const k = Math.max(1, Math.min(core.length, Math.floor(options.numSpeakers)));
      ids = cutDendrogram(core.length, merges, { numClusters: k });
      for (let c = k + 1; c <= core.length && bigClusters(ids, durations, minMs) < k; c++)
        ids = cutDendrogram(core.length, merges, { numClusters: c });
    } else {
      ids = cutDendrogram(core.length, merges, { distanceThreshold: threshold });
    }
    core.forEach(({ i }, k) => (clusterOf[i] = ids[k]!));
  }
  if (minMs > 0) foldSmall(items, clusterOf, minMs);
  // Centroids of the core clusters.
  const centroidOf = (cluster: number) =>
    meanDirection(items.filter((_, i) => clusterOf[i] === cluster).map((it) => it.embedding!));
  const clusterIds = [...new Set(clusterOf.filter((c) => c >= 0))];
  const centroids = new Map(clusterIds.map((c) => [c, centroidOf(c)]));
  // Unreliable windows with an embedding: a clear match wins; otherwise their live label, then
  // their time neighbour decide (below).
  items.forEach((it, i) => {
    if (clusterOf[i]! >= 0 || !it.embedding) return;
    let best = -1;
    let bestSim = -Infinity;
    for (const [c, centroid] of centroids) {
      const s = cosine(it.embedding, centroid);
      if (s > bestSim) {
        bestSim = s;
        best = c;
      }
    }
    if (bestSim >= attach) clusterOf[i] = best;
  });
  followLiveLabel(items, clusterOf);
  fillFromNeighbours(items, clusterOf);
  return mapToLive(items, clusterOf, centroids, options.labelFor ?? ((n) => `S${n}`));
}

function bigClusters(ids: readonly number[], durations: readonly number[], minMs: number): number {
  const total = new Map<number, number>();
  ids.forEach((c, k) => total.set(c, (total.get(c) ?? 0) + durations[k]!));
  return [...total.values()].filter((ms) => ms >= minMs).length;
}

/**
 * One pass: every cluster with less than `minMs` of speech joins the closest cluster that has enough
 * (by centroid cosine). When no cluster has enough speech the meeting is short, not split: a stand-up
 * where three people each say one sentence stays three people.
 */
function foldSmall(items: readonly ReclusterItem[], clusterOf: number[], minMs: number): void {
  const duration = new Map<number, number>();
  const sums = new Map<number, Float64Array>();
  items.forEach((it, i) => {
    const c = clusterOf[i]!;
    if (c < 0 || !it.embedding) return;
    duration.set(c, (duration.get(c) ?? 0) + it.endMs - it.startMs);
    const sum = sums.get(c) ?? new Float64Array(it.embedding.length);
    for (let k = 0; k < sum.length; k++) sum[k]! += it.embedding[k]!;
    sums.set(c, sum);
  });
  if (duration.size < 2) return;
  const big = [...duration].filter(([, ms]) => ms >= minMs).map(([c]) => c);
  if (big.length === 0) return;
  const target = new Map<number, number>();
  for (const c of duration.keys()) {
    if (big.includes(c)) continue;
    let best = big[0]!;
    let bestSim = -Infinity;
    for (const b of big) {
      const s = cosine(sums.get(c)!, sums.get(b)!);
      if (s > bestSim) {
        bestSim = s;
        best = b;
      }
    }
    target.set(c, best);
  }
  for (let i = 0; i < clusterOf.length; i++) {
    const to = target.get(clusterOf[i]!);
    if (to !== undefined) clusterOf[i] = to;
  }
}

/**
 * Items still unassigned (no clear match of their own) keep the live decision: they go where most
 * of the reliable speech of their live label went. The live pass saw their context when it chose.
 */
function followLiveLabel(items: readonly ReclusterItem[], clusterOf: number[]): void {
  const votes = new Map<string, Map<number, number>>();
  items.forEach((it, i) => {
    const c = clusterOf[i]!;
    if (c < 0 || !it.reliable) return;
    const v = votes.get(it.speaker) ?? new Map<number, number>();
    v.set(c, (v.get(c) ?? 0) + it.endMs - it.startMs);
    votes.set(it.speaker, v);
  });
  items.forEach((it, i) => {
    if (clusterOf[i]! >= 0) return;
    const v = votes.get(it.speaker);
    if (v) clusterOf[i] = [...v].sort((a, b) => b[1] - a[1])[0]![0];
  });
}

/** Items still unassigned take the cluster of the nearest assigned item in time (previous wins ties). */
function fillFromNeighbours(items: readonly ReclusterItem[], clusterOf: number[]): void {
  const order = items.map((_, i) => i).sort((a, b) => items[a]!.startMs - items[b]!.startMs);
  const assigned = order.filter((i) => clusterOf[i]! >= 0);
  if (assigned.length === 0) {
    // Nothing reliable at all: keep the live labels' grouping.
    const byLabel = new Map<string, number>();
    items.forEach((it, i) => {
      if (!byLabel.has(it.speaker)) byLabel.set(it.speaker, byLabel.size);
      clusterOf[i] = byLabel.get(it.speaker)!;
    });
    return;
  }
  for (const i of order) {
    if (clusterOf[i]! >= 0) continue;
    const t = items[i]!.startMs;
    let best = assigned[0]!;
    for (const j of assigned) {
      if (Math.abs(items[j]!.startMs - t) < Math.abs(items[best]!.startMs - t)) best = j;
    }
    clusterOf[i] = clusterOf[best]!;
  }
}

function mapToLive(
  items: readonly ReclusterItem[],
  clusterOf: readonly number[],
  centroids: Map<number, Embedding>,
  labelFor: (n: number) => string,
): ReclusterResult {
  const clusters = [...new Set(clusterOf)];
  const live = [...new Set(items.map((it) => it.speaker))];
  const overlap = clusters.map(() => live.map(() => 0));
  items.forEach((it, i) => {
    overlap[clusters.indexOf(clusterOf[i]!)]![live.indexOf(it.speaker)]! += it.endMs - it.startMs;
  });
  const match = maxWeightAssignment(overlap);
  const used = new Set<string>();
  const nameOf = new Map<number, string>();
  clusters.forEach((c, k) => {
    if (match[k]! >= 0 && overlap[k]![match[k]!]! > 0) {
      nameOf.set(c, live[match[k]!]!);
      used.add(live[match[k]!]!);
    }
  });
  let n = 1;
  for (const c of clusters) {
    if (nameOf.has(c)) continue;
    while (used.has(labelFor(n)) || live.includes(labelFor(n))) n++;
    nameOf.set(c, labelFor(n));
    used.add(labelFor(n));
  }
  const speakers = clusterOf.map((c) => nameOf.get(c)!);
  // Each live label goes where most of its speech went.
  const relabel = new Map<string, string>();
  for (const label of live) {
    const votes = new Map<string, number>();
    items.forEach((it, i) => {
      if (it.speaker === label)
        votes.set(speakers[i]!, (votes.get(speakers[i]!) ?? 0) + it.endMs - it.startMs);
    });
    relabel.set(label, [...votes].sort((a, b) => b[1] - a[1])[0]![0]);
  }
  const outCentroids = new Map<string, Embedding>();
  for (const c of clusters) {
    const members = items.filter((it, i) => clusterOf[i] === c && it.embedding).map((it) => it.embedding!);
    const centroid = centroids.get(c) ?? (members.length ? meanDirection(members) : null);
    if (centroid) outCentroids.set(nameOf.get(c)!, centroid);
  }
  return { speakers, relabel, centroids: outCentroids };
}
