/**
 * Speech recognition engine interfaces (shaped after the seed ASR design and sherpa-onnx's
 * OnlineRecognizer/OfflineRecognizer split). All audio is 16 kHz mono Float32 in [-1, 1];
 * each engine applies its own sample scaling and front-end (MODELS.md §0.4, §1).
 * Times are milliseconds from the start of the audio the stream has accepted since its last reset.
 */

export interface AsrWord {
  text: string;
  startMs: number;
  endMs: number;
  /** In [0, 1], derived from the model's posteriors; each engine documents how. */
  confidence: number;
}

export interface AsrHypothesis {
  /** Detokenised text of the hypothesis (no leading space). */
  text: string;
  words: AsrWord[];
  /** Language code when the model reports one (SenseVoice, Whisper multilingual). */
  language?: string;
  /** Emotion when the model reports one (SenseVoice §4.6), with its probability. */
  emotion?: { label: string; score: number };
  /** Audio events the model reports (e.g. 'Speech', 'BGM', 'Laughter'). */
  events?: string[];
}

/** Shared, loaded model: sessions are created once; streams hold only their own state. */
export interface StreamingRecognizer {
  readonly modelId: string;
  /** How many samples the pipeline should feed per step for the model's natural chunk. */
  readonly chunkSamples: number;
  createStream(): RecognizerStream;
  dispose(): Promise<void>;
}

export interface RecognizerStream {
  /** Appends audio and decodes every complete chunk. */
  acceptWaveform(samples: Float32Array): Promise<void>;
  /** Current hypothesis of the open segment; may change with more audio. */
  partial(): AsrHypothesis;
  /**
   * Ends the open segment: flushes the tail (pads as the model needs, so the last words are never
   * lost), returns the segment's final hypothesis and starts a new segment. Where the model allows,
   * encoder/decoder state carries on (sherpa's endpoint reset keeps the context).
   */
  finalize(): Promise<AsrHypothesis>;
  /** Drops all state, as a fresh stream. */
  reset(): void;
}

export interface OfflineDecodeOptions {
  /** 'auto' lets the model detect the language where it can. */
  language?: string;
  /** Contextual hints (hotwords / vocabulary) where the model supports them. */
  hotwords?: readonly string[];
  signal?: AbortSignal;
}

/** Decodes a whole segment at once (final pass, imported audio, pseudo-streaming). */
export interface OfflineRecognizer {
  readonly modelId: string;
  /** Longest audio the model takes in one call (e.g. 30 s for Whisper). */
  readonly maxSamples: number;
  decode(samples: Float32Array, options?: OfflineDecodeOptions): Promise<AsrHypothesis>;
  dispose(): Promise<void>;
}
