/**
 * Live diarization of the system channel (MODELS.md §6.5, last paragraph: "embed each VAD/ASR
 * segment, assign to the nearest centroid if cos >= τ, else open a new speaker").
 *
 * Pure logic over embeddings: the caller cuts each final segment into ~1.5 s windows
 * (`embeddingWindows`), embeds them, and passes them here. Each reliable window joins the closest
 * cluster when cos >= `threshold`, or opens a new one. Centroids are the running mean of the
 * normalised embeddings of their reliable windows (direction of the sum of unit vectors).
 *
 * Caution rule (the "one person split in three" complaint): a window that is short, quiet, or
 * has no embedding never opens a speaker and never moves a centroid. It joins the closest cluster
 * only if that is a clear match, otherwise it inherits its neighbour's speaker (the previous
 * window in time), and is marked provisional.
 */
import { cosine, l2Normalize, type Embedding } from './vector';

export interface OnlineDiarizerOptions {
  /** Cosine similarity needed to join an existing speaker; model-specific (§6.4), calibrate per model. */
  threshold?: number;
  /**
   * Below this similarity to every speaker a reliable window opens a new speaker. Between it and
   * `threshold` the window joins the closest speaker provisionally without moving its centroid:
   * a borderline window is far more often an odd sample of a known voice than a new person, and
   * re-clustering can still move it. Default: threshold − 0.15.
   */
  newSpeakerThreshold?: number;
  /** Windows shorter than this are unreliable (§6.3: ≥ 1–1.5 s of speech per embedding). */
  minReliableMs?: number;
  /** Windows quieter than this RMS (dBFS) are unreliable; undefined = no energy rule. */
  minReliableDb?: number;
  /** Hard cap on live speakers: beyond it a window joins the closest speaker instead of opening one. */
  maxSpeakers?: number;
  /** Label for the n-th speaker (1-based); default S1, S2, ... */
  labelFor?: (n: number) => string;
}

/**
 * Defaults for a real model: 0.5 sits between sherpa's example identification thresholds (0.6 and
 * 0.4, MODELS.md §6.4) — live assignment compares a window with a centroid, which is less noisy
 * than window-to-window. -50 dBFS is well below conversational speech on a system channel.
 */
export const ONLINE_DEFAULTS = {
  threshold: 0.5,
  minReliableMs: 1000,
  minReliableDb: -50,
  maxSpeakers: 12,
} as const;

/** One embedding window of a final segment. */
export interface DiarizationWindow {
  segmentId: string;
  startMs: number;
  endMs: number;
  /** L2-normalised embedding, or null when the model gave none (too short / degenerate). */
  embedding: Embedding | null;
  /** RMS level of the window in dBFS, when known. */
  rmsDb?: number;
}

export type AttributionReason = 'joined' | 'new' | 'inherited' | 'capped' | 'borderline';

export interface WindowAttribution {
  segmentId: string;
  startMs: number;
  endMs: number;
  speaker: string;
  /** Cosine to the chosen speaker's centroid at decision time (NaN when inherited without embedding). */
  similarity: number;
  reason: AttributionReason;
  /** True when the window was unreliable and its label is a guess from context. */
  provisional: boolean;
}

export interface SpeakerCluster {
  label: string;
  centroid: Embedding;
  /** Reliable windows that formed the centroid. */
  count: number;
  /** Total attributed speech, reliable or not. */
  durationMs: number;
}

interface MutableCluster {
  label: string;
  sum: Float64Array;
  centroid: Embedding;
  count: number;
  durationMs: number;
}

export class OnlineDiarizer {
  private readonly threshold: number;
  private readonly newThreshold: number;
  private readonly minReliableMs: number;
  private readonly minReliableDb: number | undefined;
  private readonly maxSpeakers: number;
  private readonly labelFor: (n: number) => string;
  private readonly clusterList: MutableCluster[] = [];
  private readonly history: (WindowAttribution & { embedding: Embedding | null; reliable: boolean })[] = [];

  constructor(options: OnlineDiarizerOptions = {}) {
    this.threshold = options.threshold ?? ONLINE_DEFAULTS.threshold;
    this.newThreshold = options.newSpeakerThreshold ?? this.threshold - 0.15;
    this.minReliableMs = options.minReliableMs ?? ONLINE_DEFAULTS.minReliableMs;
    this.minReliableDb = 'minReliableDb' in options ? options.minReliableDb : ONLINE_DEFAULTS.minReliableDb;
    this.maxSpeakers = options.maxSpeakers ?? ONLINE_DEFAULTS.maxSpeakers;
    this.labelFor = options.labelFor ?? ((n) => `S${n}`);
  }

  isReliable(w: DiarizationWindow): boolean {
    if (!w.embedding) return false;
    if (w.endMs - w.startMs < this.minReliableMs) return false;
    if (this.minReliableDb !== undefined && w.rmsDb !== undefined && w.rmsDb < this.minReliableDb)
      return false;
    return true;
  }

  /** Attributes the windows of one final segment, in time order. */
  addSegment(windows: readonly DiarizationWindow[]): WindowAttribution[] {
    return windows.map((w) => this.addWindow(w));
  }

  addWindow(w: DiarizationWindow): WindowAttribution {
    const reliable = this.isReliable(w);
    const embedding = w.embedding ? l2Normalize(w.embedding) : null;
    const { cluster: best, similarity } = embedding
      ? this.closest(embedding)
      : { cluster: null, similarity: NaN };
    let chosen: MutableCluster;
    let reason: AttributionReason;
    if (best && similarity >= this.threshold) {
      chosen = best;
      reason = 'joined';
    } else if (!reliable && this.history.length > 0) {
      chosen = this.clusterList.find((c) => c.label === this.history[this.history.length - 1]!.speaker)!;
      reason = 'inherited';
    } else if (best && similarity >= this.newThreshold) {
      chosen = best;
      reason = 'borderline';
    } else if (best && this.clusterList.length >= this.maxSpeakers) {
      chosen = best;
      reason = 'capped';
    } else {
      // First window of the meeting, or a reliable window unlike every speaker so far.
      chosen = this.open(embedding);
      reason = 'new';
    }
    if (reliable && embedding && (reason === 'joined' || reason === 'new' || reason === 'capped'))
      this.absorb(chosen, embedding);
    chosen.durationMs += w.endMs - w.startMs;
    const attribution: WindowAttribution = {
      segmentId: w.segmentId,
      startMs: w.startMs,
      endMs: w.endMs,
      speaker: chosen.label,
      similarity: reason === 'new' ? 1 : embedding ? cosine(embedding, chosen.centroid) : NaN,
      reason,
      provisional: !reliable || reason === 'borderline',
    };
    this.history.push({ ...attribution, embedding, reliable });
    return attribution;
  }

  /** Speaker of a segment: the label covering most of its windows' duration. */
  speakerOfSegment(segmentId: string): string | null {
    return majorityLabel(this.history.filter((h) => h.segmentId === segmentId));
  }

  clusters(): SpeakerCluster[] {
    return this.clusterList.map((c) => ({
      label: c.label,
      centroid: Float32Array.from(c.centroid),
      count: c.count,
      durationMs: c.durationMs,
    }));
  }

  /** Everything seen so far, for end-of-meeting re-clustering. */
  windows(): (WindowAttribution & { embedding: Embedding | null; reliable: boolean })[] {
    return this.history.map((h) => ({ ...h }));
  }

  private closest(e: Embedding): { cluster: MutableCluster | null; similarity: number } {
    let cluster: MutableCluster | null = null;
    let similarity = -Infinity;
    for (const c of this.clusterList) {
      if (c.count === 0) continue;
      const s = cosine(e, c.centroid);
      if (s > similarity) {
        similarity = s;
        cluster = c;
      }
    }
    return { cluster, similarity };
  }

  private open(embedding: Embedding | null): MutableCluster {
    const dim = embedding?.length ?? 0;
    const c: MutableCluster = {
      label: this.labelFor(this.clusterList.length + 1),
      sum: new Float64Array(dim),
      centroid: new Float32Array(dim),
      count: 0,
      durationMs: 0,
    };
    this.clusterList.push(c);
    return c;
  }

  private absorb(c: MutableCluster, e: Embedding): void {
    if (c.sum.length === 0) c.sum = new Float64Array(e.length);
    for (let i = 0; i < e.length; i++) c.sum[i]! += e[i]!;
    c.count++;
    c.centroid = l2Normalize(c.sum) ?? c.centroid;
  }
}

export function majorityLabel(
  items: readonly { speaker: string; startMs: number; endMs: number }[],
): string | null {
  const total = new Map<string, number>();
  for (const it of items) total.set(it.speaker, (total.get(it.speaker) ?? 0) + it.endMs - it.startMs);
  let best: string | null = null;
  let bestMs = -1;
  for (const [label, ms] of total) {
    if (ms > bestMs) {
      best = label;
      bestMs = ms;
    }
  }
  return best;
}

/**
 * Cuts [startMs, endMs) into the stretches that get one embedding each: a segment shorter than two
 * windows stays whole (one embedding over all of it is the most stable, §6.3), a longer one is cut
 * into equal windows of at least `targetMs` (default 1.5 s), i.e. between 1x and 2x the target, so
 * a speaker change inside a long segment is still caught.
 */
export function embeddingWindows(
  startMs: number,
  endMs: number,
  targetMs = 1500,
): { startMs: number; endMs: number }[] {
  const duration = endMs - startMs;
  if (duration <= 0) return [];
  const count = Math.max(1, Math.floor(duration / targetMs));
  const step = duration / count;
  return Array.from({ length: count }, (_, i) => ({
    startMs: Math.round(startMs + i * step),
    endMs: i === count - 1 ? endMs : Math.round(startMs + (i + 1) * step),
  }));
}

/** RMS level in dBFS of float samples in [-1, 1] (-Infinity for digital silence). */
export function rmsDb(samples: Float32Array): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s += samples[i]! * samples[i]!;
  return samples.length ? 10 * Math.log10(s / samples.length) : -Infinity;
}
