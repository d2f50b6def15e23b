/**
 * Voiceprints across meetings (issue 7 §3), pure logic: the store persists them, the UI asks.
 *
 * A voiceprint is a named, L2-normalised centroid tagged with the embedding model that made it;
 * embeddings of different models live in unrelated spaces, so only same-model prints are compared.
 * Each meeting cluster gets at most one suggestion and each voiceprint names at most one cluster
 * (maximum-similarity assignment). Clusters the user already named get no suggestion at all: a
 * suggestion is never applied here, and never over a user's name.
 *
 * Confidence tiers are cosine bands (defaults below, for a model whose same-speaker/different-speaker
 * split sits near sherpa's 0.6 example threshold, §6.4; calibrate per model):
 *   sure   >= 0.75  far above the decision threshold: show the name, one click to accept
 *   likely >= 0.60  sherpa's own identification threshold: show the name with a question
 *   unsure >= 0.45  plausible but weak: show as "maybe", never pre-selected
 *   below           no suggestion (an unknown voice is refused)
 * A runner-up voiceprint within `ambiguityMargin` of the best lowers the tier one step (two
 * similar-sounding colleagues), and "unsure" then falls out.
 */
import { maxWeightAssignment } from './assignment';
import { agglomerate } from './agglomerative';
import { cosine, l2Normalize, meanDirection, type Embedding } from './vector';

export interface Voiceprint {
  id: string;
  name: string;
  modelId: string;
  embedding: Embedding;
}

export interface MeetingCluster {
  label: string;
  centroid: Embedding;
  modelId: string;
  /** Name the user set in this meeting; such clusters are never relabelled. */
  userName?: string;
}

export type ConfidenceTier = 'sure' | 'likely' | 'unsure';

export interface VoiceprintBands {
  sure: number;
  likely: number;
  unsure: number;
  ambiguityMargin: number;
}

export const DEFAULT_VOICEPRINT_BANDS: Readonly<VoiceprintBands> = Object.freeze({
  sure: 0.75,
  likely: 0.6,
  unsure: 0.45,
  ambiguityMargin: 0.05,
});

export interface VoiceprintSuggestion {
  label: string;
  voiceprintId: string;
  name: string;
  similarity: number;
  tier: ConfidenceTier;
}

export function tierOf(
  similarity: number,
  bands: VoiceprintBands = DEFAULT_VOICEPRINT_BANDS,
): ConfidenceTier | null {
  if (similarity >= bands.sure) return 'sure';
  if (similarity >= bands.likely) return 'likely';
  if (similarity >= bands.unsure) return 'unsure';
  return null;
}

const LOWER: Record<ConfidenceTier, ConfidenceTier | null> = {
  sure: 'likely',
  likely: 'unsure',
  unsure: null,
};

export function suggestNames(
  clusters: readonly MeetingCluster[],
  voiceprints: readonly Voiceprint[],
  bands: VoiceprintBands = DEFAULT_VOICEPRINT_BANDS,
): VoiceprintSuggestion[] {
  const open = clusters.filter((c) => !c.userName);
  // A name the user already gave in this meeting is taken: don't offer it to another cluster.
  const taken = new Set(clusters.filter((c) => c.userName).map((c) => c.userName!.toLowerCase()));
  const suggestions: VoiceprintSuggestion[] = [];
  for (const modelId of new Set(open.map((c) => c.modelId))) {
    const cs = open.filter((c) => c.modelId === modelId);
    const ps = voiceprints.filter((p) => p.modelId === modelId && !taken.has(p.name.toLowerCase()));
    if (ps.length === 0) continue;
    const sim = cs.map((c) => ps.map((p) => cosine(c.centroid, p.embedding)));
    // Assignment on shifted similarities (weights must be >= 0).
    const match = maxWeightAssignment(sim.map((row) => row.map((s) => s + 1)));
    cs.forEach((c, k) => {
      const j = match[k]!;
      if (j < 0) return;
      const s = sim[k]![j]!;
      let tier = tierOf(s, bands);
      const runnerUp = Math.max(-1, ...sim[k]!.filter((_, m) => m !== j));
      if (tier && s - runnerUp < bands.ambiguityMargin) tier = LOWER[tier];
      if (tier)
        suggestions.push({ label: c.label, voiceprintId: ps[j]!.id, name: ps[j]!.name, similarity: s, tier });
    });
  }
  return suggestions;
}

/**
 * A voiceprint from a meeting's centroid; updating an existing print blends in the new centroid
 * with `weight` (its share of the result), so one bad meeting cannot overwrite a good print.
 */
export function makeVoiceprint(id: string, name: string, modelId: string, centroid: Embedding): Voiceprint {
  const embedding = l2Normalize(centroid);
  if (!embedding) throw new RangeError('cannot make a voiceprint from a zero embedding');
  return { id, name, modelId, embedding };
}

export function updateVoiceprint(
  print: Voiceprint,
  centroid: Embedding,
  modelId: string,
  weight = 0.3,
): Voiceprint {
  if (modelId !== print.modelId)
    throw new RangeError(`voiceprint ${print.id} is for model ${print.modelId}, not ${modelId}`);
  return { ...print, embedding: meanDirection([print.embedding, centroid], [1 - weight, weight]) };
}

// ---- merge / split within a meeting -----------------------------------------------------------

export interface LabelledEmbedding {
  speaker: string;
  startMs: number;
  endMs: number;
  embedding: Embedding | null;
}

/** Every item of `from` labels becomes `into`. Returns new items; the inputs are not touched. */
export function mergeSpeakers<T extends LabelledEmbedding>(
  items: readonly T[],
  from: readonly string[],
  into: string,
): T[] {
  const set = new Set(from);
  return items.map((it) => (set.has(it.speaker) ? { ...it, speaker: into } : it));
}

/**
 * Splits one speaker in two by re-clustering its items (2 clusters, average linkage). The part
 * with more speech keeps the label; the other gets `newLabel`. Items without embeddings follow
 * their time neighbour. Returns the items unchanged when there is nothing to split.
 */
export function splitSpeaker<T extends LabelledEmbedding>(
  items: readonly T[],
  label: string,
  newLabel: string,
): T[] {
  const idx = items.map((it, i) => ({ it, i })).filter(({ it }) => it.speaker === label && it.embedding);
  if (idx.length < 2) return [...items];
  const ids = agglomerate(
    idx.map(({ it }) => it.embedding!),
    { numClusters: 2 },
  );
  const ms = [0, 0];
  idx.forEach(({ it }, k) => (ms[ids[k]!]! += it.endMs - it.startMs));
  const minor = ms[0]! >= ms[1]! ? 1 : 0;
  const out = [...items];
  idx.forEach(({ it, i }, k) => {
    if (ids[k] === minor) out[i] = { ...it, speaker: newLabel };
  });
  // Embedding-less items of the split speaker follow the closest item in time.
  out.forEach((it, i) => {
    if (items[i]!.speaker !== label || items[i]!.embedding) return;
    let best = idx[0]!.i;
    for (const { i: j } of idx)
      if (Math.abs(items[j]!.startMs - it.startMs) < Math.abs(items[best]!.startMs - it.startMs)) best = j;
    out[i] = { ...it, speaker: out[best]!.speaker };
  });
  return out;
}
