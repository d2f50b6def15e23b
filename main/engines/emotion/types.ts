/**
 * Speech emotion, per final segment (issue 7 §4, MODELS.md §4.6 and §7). Two sources share this
 * interface: SenseVoice's emotion token (free with the final pass) and a dedicated
 * emotion2vec-like ONNX model. A result is a signal with a score, never a verdict: below the
 * engine's minimum score the label is 'unknown' (the UI shows "neutral/unknown"), not a guess.
 */

/** emotion2vec's nine classes (§7) folded to one vocabulary: 'other' and '<unk>' become 'unknown'. */
export const EMOTION_LABELS = [
  'angry',
  'disgusted',
  'fearful',
  'happy',
  'neutral',
  'sad',
  'surprised',
  'unknown',
] as const;

export type EmotionLabel = (typeof EMOTION_LABELS)[number];

export interface EmotionResult {
  label: EmotionLabel;
  /** Probability of `label` in [0, 1] (for 'unknown' after thresholding: the rejected label's score). */
  score: number;
  /** The model's own label before thresholding, when it was rejected as too uncertain. */
  rejected?: EmotionLabel;
  source: 'sensevoice' | 'model';
}

export interface EmotionEngine {
  readonly modelId: string;
  /** 16 kHz mono audio in [-1, 1] of one segment. */
  classify(samples: Float32Array): Promise<EmotionResult>;
  dispose(): Promise<void>;
}

/**
 * Default minimum score: 0.5. For SenseVoice the score is the emotion token's probability at its
 * decoding step; for a 9-way classifier chance is 0.11 and the top class of an ambiguous segment
 * typically sits at 0.3-0.45. Requiring a majority (0.5) keeps guesses out at the cost of more
 * 'unknown' segments, which the aggregation treats as "no signal", not as "neutral".
 */
export const DEFAULT_MIN_EMOTION_SCORE = 0.5;

export function isEmotionLabel(value: string): value is EmotionLabel {
  return (EMOTION_LABELS as readonly string[]).includes(value);
}

/** Applies the low-score rule to a raw label/score pair. */
export function thresholdEmotion(
  label: EmotionLabel,
  score: number,
  source: EmotionResult['source'],
  minScore = DEFAULT_MIN_EMOTION_SCORE,
): EmotionResult {
  const s = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
  if (label !== 'unknown' && s < minScore) return { label: 'unknown', score: s, rejected: label, source };
  return { label, score: s, source };
}

/** Normalises a class name from a model's label list ("生气/angry", "Angry", "<unk>", "other"). */
export function normalizeEmotionName(raw: string): EmotionLabel {
  const name = (raw.includes('/') ? raw.slice(raw.lastIndexOf('/') + 1) : raw).trim().toLowerCase();
  if (isEmotionLabel(name)) return name;
  const aliases: Record<string, EmotionLabel> = {
    other: 'unknown',
    '<unk>': 'unknown',
    unk: 'unknown',
    emo_unknown: 'unknown',
    anger: 'angry',
    disgust: 'disgusted',
    fear: 'fearful',
    happiness: 'happy',
    sadness: 'sad',
    surprise: 'surprised',
  };
  return aliases[name] ?? 'unknown';
}
