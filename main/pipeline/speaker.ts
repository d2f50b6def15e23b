/**
 * Adapter from the speaker engine (main/engines/speaker: embedder + online diarizer) to the session's
 * SpeakerAssigner: each final system segment is embedded window by window and joins the online clusters;
 * the segment takes the majority label.
 *
 * At the end of the meeting `finish` re-clusters every window embedding seen (recluster.ts: agglomerative,
 * cosine, threshold or the user's speaker count) and maps the new clusters onto the live labels by maximum
 * overlap, so a speaker the user already sees as "S2" (or named) stays "S2". Only segments whose label
 * changed are reported; the session moves them and stores each speaker's centroid.
 */
import {
  attributeSegment,
  majorityLabel,
  recluster,
  type OnlineDiarizer,
  type ReclusterOptions,
  type SpeakerEmbedder,
} from '../engines/speaker';
import type { SpeakerAssigner, SpeakerSummary } from './types';

export interface DiarizerAssignerOptions {
  /** Embedding window (default 1.5 s, online.ts embeddingWindows). */
  windowMs?: number;
  /** End-of-meeting clustering; numSpeakers comes from finish(). */
  recluster?: Omit<ReclusterOptions, 'numSpeakers'>;
}

/**
 * A cluster with less than 3 s of speech over a whole meeting is nearly always one person split off
 * by a few odd windows (a laugh, a cough), not a participant: fold it into its closest neighbour.
 */
export const DEFAULT_MIN_CLUSTER_MS = 3000;

export function diarizerSpeakerAssigner(
  diarizer: OnlineDiarizer,
  embedder: SpeakerEmbedder,
  options: DiarizerAssignerOptions | number = {},
): SpeakerAssigner & { finish(options?: { speakerCount?: number }): Promise<SpeakerSummary> } {
  // A bare number is the window length (the original signature).
  const opts: DiarizerAssignerOptions = typeof options === 'number' ? { windowMs: options } : options;
  /** The label each segment was given live (what the store holds until finish). */
  const liveLabel = new Map<string, string>();
  return {
    async assign(segment) {
      const attribution = await attributeSegment(
        diarizer,
        embedder,
        { id: segment.key, startMs: segment.startMs, endMs: segment.endMs, samples: segment.samples },
        opts.windowMs,
      );
      liveLabel.set(segment.key, attribution.speaker);
      return { label: attribution.speaker };
    },

    async finish(finishOptions = {}) {
      const windows = diarizer.windows();
      if (windows.length === 0) return { relabel: {}, centroids: [] };
      const count = finishOptions.speakerCount;
      const result = recluster(windows, {
        minClusterMs: DEFAULT_MIN_CLUSTER_MS,
        ...opts.recluster,
        ...(count !== undefined && Number.isFinite(count) && count >= 1 ? { numSpeakers: count } : {}),
      });
      const finalLabel = segmentLabels(
        windows.map((w, i) => ({ ...w, speaker: result.speakers[i]! })),
        liveLabel,
      );
      const relabel: Record<string, string> = {};
      for (const [key, label] of finalLabel) if (liveLabel.get(key) !== label) relabel[key] = label;
      const used = new Set(finalLabel.values());
      const centroids = [...result.centroids]
        .filter(([label]) => used.has(label))
        .map(([label, embedding]) => ({ label, embedding, modelId: embedder.modelId }));
      return { relabel, centroids };
    },
  };
}

/**
 * Each segment takes the label covering most of its windows' speech (as it did live). Segments the
 * assigner labelled without windows (none: every segment gets at least one) keep their live label.
 */
function segmentLabels(
  windows: readonly { segmentId: string; speaker: string; startMs: number; endMs: number }[],
  live: ReadonlyMap<string, string>,
): Map<string, string> {
  const bySegment = new Map<string, { speaker: string; startMs: number; endMs: number }[]>();
  for (const w of windows) {
    const list = bySegment.get(w.segmentId) ?? [];
    list.push(w);
    bySegment.set(w.segmentId, list);
  }
  const out = new Map<string, string>();
  for (const [key, label] of live) out.set(key, majorityLabel(bySegment.get(key) ?? []) ?? label);
  return out;
}
