import type { SessionEngines } from '../../pipeline/types';

/** What a meeting's pipeline asks of the installed models. */
export interface LoadEnginesOptions {
  /** Settings language ('auto' lets a multilingual model detect it). */
  language: string;
  /** User vocabulary, for hotword biasing where the recognizer supports it. */
  hotwords: readonly string[];
  echoCancellation: boolean;
  signal?: AbortSignal;
  /**
   * Called once the installed models are resolved, before any of them is loaded (that takes seconds for big
   * models): lets the recording contract say at once whether this meeting will be transcribed.
   */
  onPlan?(plan: EnginePlanSummary): void;
}

export interface EnginePlanSummary {
  /** A speech-recognition model for the language is installed (it may still fail to load). */
  asr: boolean;
  notes: string[];
}

/** A meeting's engines, built from the installed models (or fakes in tests). */
export interface LoadedEngines {
  engines: SessionEngines;
  /** Which model fills each role, for logs, the UI and `verbatim transcribe`. */
  models: Array<{ role: 'vad' | 'asr-streaming' | 'asr-final' | 'speaker' | 'emotion'; id: string }>;
  /** Sentences for the user about what is missing or degraded (e.g. no ASR model installed: record only). */
  notes: string[];
  /** Frees the ONNX sessions. */
  release(): Promise<void>;
}

export type EngineLoader = (options: LoadEnginesOptions) => Promise<LoadedEngines>;
