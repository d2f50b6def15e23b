/**
 * Voice activity detection: the small interfaces shared by the model wrapper, the segmenter and the
 * streaming front. The model is behind `VadModel` so tests (and future models) can swap in a stub.
 */

/** Audio format every VAD here consumes (MODELS.md §0.4): 16 kHz mono float32 in [-1, 1]. */
export const VAD_SAMPLE_RATE = 16_000;
/** New samples per model call at 16 kHz (Silero v5: 512 = 32 ms). */
export const VAD_WINDOW_SAMPLES = 512;

/**
 * One stateful stream of speech probabilities over consecutive, non-overlapping windows.
 * Each stream has its own recurrent state; streams made from one session share the weights.
 */
export interface VadModel {
  readonly sampleRate: number;
  /** Exact length of the window `predict` accepts. */
  readonly windowSamples: number;
  /**
   * Speech probability in [0, 1] of the next `windowSamples` new samples. Any model context
   * (Silero's 64 samples carried over from the previous call) is handled inside. Calls must not overlap.
   */
  predict(window: Float32Array): Promise<number>;
  /** Forget the recurrent state and context (a new, unrelated stream starts). */
  reset(): void;
}

/** A loaded model that hands out independent streams (shared weights, separate state). */
export interface VadEngine {
  createStream(): VadModel;
  dispose(): Promise<void>;
}

export interface VadSegmenterOptions {
  /** Enter speech when p >= threshold. */
  threshold: number;
  /** Leave speech when p < negThreshold. Default max(threshold - 0.15, 0.01) (silero and sherpa rule). */
  negThreshold?: number;
  /** Candidates shorter than this are dropped as blips; speech-start is emitted once this much speech is seen. */
  minSpeechMs: number;
  /** Silence shorter than this inside a segment is bridged; reaching it ends the segment. */
  minSilenceMs: number;
  /** Added before the start and after the end of each segment (clamped to the stream and to the previous segment). */
  speechPadMs: number;
  /**
   * Soft cap. Past it, sherpa's rule applies until the segment closes: threshold 0.9 and min silence 100 ms,
   * so the segment ends at the next short pause.
   */
  maxSpeechMs: number;
  /**
   * Hard cap (>= maxSpeechMs). Speech with no pause at all (e.g. music, one long run-on) is split here: the
   * segment ends with reason 'max-length' and, while speech continues, a new one starts at the same sample.
   */
  hardMaxSpeechMs: number;
}

/** Times are stream sample indices (16 kHz) counted from the first sample pushed after creation/reset. */
export type VadEvent =
  | {
      type: 'speech-start';
      /** Padded start: what to cut for a recogniser. */
      sample: number;
      /** Unpadded start: the window boundary where speech was detected. */
      speechSample: number;
    }
  | {
      type: 'speech-end';
      /** Padded end (exclusive). */
      sample: number;
      /** Unpadded end (exclusive): the window boundary where silence began. */
      speechSample: number;
      /** Padded start of the same segment, repeated so a consumer can act on the end event alone. */
      startSample: number;
      reason: 'silence' | 'max-length' | 'flush';
    };
