/**
 * A dedicated speech-emotion model behind EmotionEngine (MODELS.md §7): emotion2vec-like ONNX
 * exports take the 16 kHz waveform ([1, N] float32, normalisation inside the graph) and return the
 * probabilities of 9 classes ([1, 9]). There is no official export and community ones differ, so
 * the interface is read from the file: input/output names from the session, class names from the
 * metadata key `labels` (comma-separated) or a list the caller gives (e.g. from `labels.txt`),
 * falling back to emotion2vec's documented order. Outputs that are not probabilities (logits) are
 * soft-maxed. Everything is UNCONFIRMED against real exports; the stub in
 * test/fixtures/onnx/emotion.ts pins the Voldorn-style interface.
 */
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { readOnnxInfo } from '../../models/onnx-metadata';
import type { EmotionEngine, EmotionLabel, EmotionResult } from './types';
import { DEFAULT_MIN_EMOTION_SCORE, normalizeEmotionName, thresholdEmotion } from './types';

/** emotion2vec / emotion2vec+ class order (§7). */
export const EMOTION2VEC_LABELS = [
  'angry',
  'disgusted',
  'fearful',
  'happy',
  'neutral',
  'other',
  'sad',
  'surprised',
  'unknown',
] as const;

export class EmotionModelError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`emotion model ${file}: ${message}`);
    this.name = 'EmotionModelError';
  }
}

export interface OnnxEmotionOptions {
  /** Class names in output order; overrides the metadata. */
  labels?: readonly string[];
  minScore?: number;
  modelId?: string;
  intraOpNumThreads?: number;
  /** Shortest segment worth classifying (shorter ones return 'unknown' without running the model). */
  minSamples?: number;
}

type Ort = typeof import('onnxruntime-node');

export class OnnxEmotionEngine implements EmotionEngine {
  readonly modelId: string;
  readonly labels: readonly EmotionLabel[];
  readonly rawLabels: readonly string[];
  private readonly inputName: string;
  private readonly outputName: string;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly file: string,
    rawLabels: readonly string[],
    private readonly minScore: number,
    private readonly minSamples: number,
    modelId: string,
  ) {
    this.rawLabels = rawLabels;
    this.labels = rawLabels.map(normalizeEmotionName);
    this.inputName = session.inputNames[0]!;
    this.outputName = session.outputNames[0]!;
    this.modelId = modelId;
  }

  static async load(file: string, options: OnnxEmotionOptions = {}): Promise<OnnxEmotionEngine> {
    try {
      await access(file);
    } catch {
      throw new EmotionModelError(file, 'file not found');
    }
    let metadata: Record<string, string>;
    try {
      metadata = (await readOnnxInfo(file)).metadata;
    } catch (error) {
      throw new EmotionModelError(file, `not a readable ONNX model (${(error as Error).message})`);
    }
    const rawLabels =
      options.labels ??
      (metadata.labels
        ? metadata.labels
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : EMOTION2VEC_LABELS);
    const ort = await import('onnxruntime-node');
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
      });
    } catch (error) {
      throw new EmotionModelError(file, `onnxruntime cannot load it (${(error as Error).message})`);
    }
    if (session.inputNames.length !== 1) {
      await session.release();
      throw new EmotionModelError(
        file,
        `expected one waveform input [1, N], got [${session.inputNames.join(', ')}]`,
      );
    }
    return new OnnxEmotionEngine(
      ort,
      session,
      file,
      rawLabels,
      options.minScore ?? DEFAULT_MIN_EMOTION_SCORE,
      options.minSamples ?? 8000,
      options.modelId ?? basename(file),
    );
  }

  async classify(samples: Float32Array): Promise<EmotionResult> {
    if (samples.length < this.minSamples) return { label: 'unknown', score: 0, source: 'model' };
    const out = await this.session.run({
      [this.inputName]: new this.ort.Tensor('float32', samples, [1, samples.length]),
    });
    const scores = out[this.outputName]!.data as Float32Array;
    if (scores.length !== this.labels.length) {
      throw new EmotionModelError(
        this.file,
        `output '${this.outputName}' has ${scores.length} classes but ${this.labels.length} labels are known`,
      );
    }
    return pickEmotion(scores, this.labels, this.minScore);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Top class of one score vector, with the low-score rule. Several raw classes can fold into one
 * label ('other' and 'unknown'), so probabilities are summed per label first.
 */
export function pickEmotion(
  scores: ArrayLike<number>,
  labels: readonly EmotionLabel[],
  minScore = DEFAULT_MIN_EMOTION_SCORE,
): EmotionResult {
  const probs = asProbabilities(scores);
  const byLabel = new Map<EmotionLabel, number>();
  labels.forEach((l, i) => byLabel.set(l, (byLabel.get(l) ?? 0) + probs[i]!));
  let best: EmotionLabel = 'unknown';
  let bestP = -1;
  for (const [l, p] of byLabel) {
    if (p > bestP) {
      best = l;
      bestP = p;
    }
  }
  return thresholdEmotion(best, bestP, 'model', minScore);
}

/** Probabilities as given when they already are; a softmax otherwise (logit outputs). */
export function asProbabilities(scores: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(scores as ArrayLike<number>);
  const sum = out.reduce((a, b) => a + b, 0);
  const isProb = out.every((v) => v >= -1e-6 && v <= 1 + 1e-6) && Math.abs(sum - 1) < 1e-3;
  if (isProb) return out;
  const max = Math.max(...out);
  let z = 0;
  for (let i = 0; i < out.length; i++) z += out[i] = Math.exp(out[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= z;
  return out;
}
