/**
 * Streaming Zipformer recognizer (MODELS.md §3.5): one loaded model shared by any number of
 * streams; each stream owns its fbank, encoder states and search state.
 */
import type * as ort from 'onnxruntime-node';
import { FBANK_PRESETS, StreamingFbank } from '../../../dsp';
import type { AsrHypothesis, RecognizerStream, StreamingRecognizer } from '../types';
import type { ConfidenceCombine } from '../confidence';
import { detokenize } from '../tokens';
import { buildHotwordGraph, DEFAULT_HOTWORD_BOOST, greedyTokenizer } from './hotwords';
import { ZipformerModel, type ZipformerLoadOptions, type ZipformerModelFiles } from './model';
import {
  bestHypothesis,
  decodeChunk,
  DEFAULT_SEARCH_OPTIONS,
  initialContext,
  newSearchState,
  segmentRestartState,
  type SearchOptions,
  type SearchState,
} from './search';
import { tokensToWords } from './words';

const SAMPLE_RATE = 16000;
/** sherpa's Python streaming examples pad 0.66 s of zeros before InputFinished (§3.5). */
const DEFAULT_TAIL_PADDING_MS = 660;

export interface ZipformerDecodingConfig {
  method?: SearchOptions['method'];
  maxActivePaths?: number;
  blankPenalty?: number;
  temperature?: number;
  /**
   * User vocabulary (one phrase per entry, optional ` :<boost>` suffix). Needs beam search: with
   * hotwords present the method is switched to modified_beam_search, as sherpa requires.
   */
  hotwords?: readonly string[];
  hotwordBoost?: number;
  /** Tokeniser for hotwords; default greedy longest match over tokens.txt (see tokens.ts limits). */
  tokenize?: (text: string) => number[] | null;
  confidence?: ConfidenceCombine;
  tailPaddingMs?: number;
}

/** sherpa `EndpointConfig` defaults (§3.5). */
export interface EndpointRules {
  rule1MinTrailingSilenceMs: number;
  rule2MinTrailingSilenceMs: number;
  rule3MinUtteranceMs: number;
}

export const DEFAULT_ENDPOINT_RULES: EndpointRules = {
  rule1MinTrailingSilenceMs: 2400,
  rule2MinTrailingSilenceMs: 1200,
  rule3MinUtteranceMs: 20000,
};

export interface ZipformerRecognizerOptions extends ZipformerLoadOptions, ZipformerDecodingConfig {
  modelId?: string;
}

export async function createZipformerRecognizer(
  files: ZipformerModelFiles,
  options: ZipformerRecognizerOptions = {},
): Promise<ZipformerRecognizer> {
  const model = await ZipformerModel.load(files, options);
  return new ZipformerRecognizer(model, options.modelId ?? 'zipformer', options);
}

export class ZipformerRecognizer implements StreamingRecognizer {
  /** Samples per encoder call: decode_chunk_len feature frames (32 × 10 ms = 320 ms for chunk-16). */
  readonly chunkSamples: number;
  /** Hotword entries the tokeniser could not cover (reported to the user, not silently dropped). */
  skippedHotwords: string[] = [];
  private config: ZipformerDecodingConfig;

  constructor(
    readonly model: ZipformerModel,
    readonly modelId: string,
    config: ZipformerDecodingConfig = {},
  ) {
    this.config = { ...config };
    const hop = Math.round((SAMPLE_RATE * FBANK_PRESETS.zipformer.frameShiftMs) / 1000);
    this.chunkSamples = model.layout.chunkShift * hop;
  }

  /** Changes the decoding config (e.g. the vocabulary setting) for streams created afterwards. */
  configure(config: ZipformerDecodingConfig): void {
    this.config = { ...this.config, ...config };
  }

  createStream(overrides: ZipformerDecodingConfig = {}): ZipformerStream {
    const config = { ...this.config, ...overrides };
    const { graph, skipped } = buildHotwordGraph(
      config.hotwords ?? [],
      config.tokenize ?? greedyTokenizer(this.model.tokens),
      config.hotwordBoost ?? DEFAULT_HOTWORD_BOOST,
    );
    this.skippedHotwords = skipped;
    const method = graph ? 'modified_beam_search' : (config.method ?? DEFAULT_SEARCH_OPTIONS.method);
    const search: SearchOptions = {
      method,
      maxActivePaths: config.maxActivePaths ?? DEFAULT_SEARCH_OPTIONS.maxActivePaths,
      blankId: this.model.tokens.blankId ?? 0,
      unkId: this.model.tokens.unkId,
      blankPenalty: config.blankPenalty ?? 0,
      temperature: config.temperature ?? DEFAULT_SEARCH_OPTIONS.temperature,
      contextGraph: graph,
    };
    return new ZipformerStream(this.model, search, config);
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }
}

export class ZipformerStream implements RecognizerStream {
  /** Exposed for tests (state threading) and diagnostics; keyed by encoder input name. */
  encoderStates: Map<string, ort.Tensor>;
  /** Encoder calls since the last reset. */
  encoderCalls = 0;
  /** Token ids and their encoder frames of the last finalized segment (diagnostics, acceptance tests). */
  lastFinalTokens: { ids: number[]; frames: number[] } | null = null;
  private fbank = new StreamingFbank(FBANK_PRESETS.zipformer);
  private numProcessed = 0;
  private search: SearchState;
  private readonly initial: number[];
  /** Samples accepted since reset (real audio only; tail padding is not counted). */
  private totalSamples = 0;
  private segmentStartSamples = 0;
  /** Encoder frame length in ms, learnt from the first encoder output (decode_chunk_len / frames × 10 ms). */
  private frameMs = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bumped by reset(): work queued or in flight for an older generation must not touch new state. */
  private generation = 0;

  constructor(
    private readonly model: ZipformerModel,
    private readonly options: SearchOptions,
    private readonly config: ZipformerDecodingConfig,
  ) {
    const { layout, contextSize } = model;
    this.initial = initialContext(contextSize, options.blankId, layout.initialContext);
    this.encoderStates = model.initialStates();
    this.search = newSearchState(this.initial, options.contextGraph);
  }

  get searchMethod(): SearchOptions['method'] {
    return this.options.method;
  }

  acceptWaveform(samples: Float32Array): Promise<void> {
    return this.serial(undefined, async () => {
      this.totalSamples += samples.length;
      this.fbank.acceptWaveform(samples);
      await this.decodeReady();
    });
  }

  partial(): AsrHypothesis {
    return this.hypothesis(false);
  }

  finalize(): Promise<AsrHypothesis> {
    return this.serial({ text: '', words: [] }, async () => {
      // Pad so every real frame is inside some chunk's shift window: the loop stops once fewer than
      // T + 1 frames remain unprocessed, so at least T padding frames are needed (and sherpa's 0.66 s
      // gives the model room to emit the last word late).
      const hop = (SAMPLE_RATE * FBANK_PRESETS.zipformer.frameShiftMs) / 1000;
      const minPad = (this.model.layout.chunkFrames + 1) * hop;
      const pad = Math.max(
        minPad,
        Math.round(((this.config.tailPaddingMs ?? DEFAULT_TAIL_PADDING_MS) * SAMPLE_RATE) / 1000),
      );
      const generation = this.generation;
      this.fbank.acceptWaveform(new Float32Array(pad));
      this.fbank.inputFinished();
      await this.decodeReady();
      if (generation !== this.generation) return { text: '', words: [] };
      const result = this.hypothesis(true);
      const best = bestHypothesis(this.search, this.options.contextGraph);
      this.lastFinalTokens = { ids: best.ys.slice(this.model.contextSize), frames: [...best.timestamps] };
      this.startSegment();
      return result;
    });
  }

  reset(): void {
    this.generation++;
    this.encoderStates = this.model.initialStates();
    this.encoderCalls = 0;
    this.totalSamples = 0;
    this.segmentStartSamples = 0;
    this.fbank = new StreamingFbank(FBANK_PRESETS.zipformer);
    this.numProcessed = 0;
    this.search = newSearchState(this.initial, this.options.contextGraph);
  }

  /** sherpa endpoint rules (§3.5), for pipelines without their own VAD endpointing. */
  isEndpoint(rules: EndpointRules = DEFAULT_ENDPOINT_RULES): boolean {
    if (this.frameMs === 0) return false;
    const best = bestHypothesis(this.search);
    const silenceMs = best.numTrailingBlanks * this.frameMs;
    const decoded = best.ys.length > this.model.contextSize && best.timestamps.length > 0;
    const utteranceMs = this.search.frameOffset * this.frameMs;
    return (
      (!decoded && silenceMs >= rules.rule1MinTrailingSilenceMs) ||
      (decoded && silenceMs >= rules.rule2MinTrailingSilenceMs) ||
      utteranceMs >= rules.rule3MinUtteranceMs
    );
  }

  /** Runs one encoder call per complete chunk: while processed + T < ready (strict, sherpa IsReady). */
  private async decodeReady(): Promise<void> {
    const { chunkFrames, chunkShift } = this.model.layout;
    const generation = this.generation;
    while (this.numProcessed + chunkFrames < this.fbank.framesReady) {
      const x = this.fbank.getFrames(this.numProcessed, chunkFrames);
      this.numProcessed += chunkShift;
      this.fbank.discardFramesBefore(this.numProcessed);
      const out = await this.model.runEncoder(x, this.encoderStates);
      if (generation !== this.generation) return; // reset() while the encoder ran
      this.encoderStates = out.states;
      this.encoderCalls++;
      if (this.frameMs === 0 && out.frames > 0) {
        this.frameMs = (chunkShift / out.frames) * FBANK_PRESETS.zipformer.frameShiftMs;
      }
      await decodeChunk(this.model, this.search, out.encoderOut, out.frames, this.options);
      if (generation !== this.generation) return;
    }
  }

  /**
   * Encoder states carry on (sherpa keeps them unless reset_encoder, default false); the decoder
   * context follows sherpa's Reset (search.ts). The fbank restarts on the next segment's audio.
   */
  private startSegment(): void {
    this.search = segmentRestartState(
      this.search,
      this.model.contextSize,
      this.initial,
      this.options.contextGraph,
    );
    this.fbank = new StreamingFbank(FBANK_PRESETS.zipformer);
    this.numProcessed = 0;
    this.segmentStartSamples = this.totalSamples;
  }

  private hypothesis(final: boolean): AsrHypothesis {
    const graph = final ? this.options.contextGraph : null;
    const best = bestHypothesis(this.search, graph);
    const tokens = best.ys.slice(this.model.contextSize);
    const offsetMs = (this.segmentStartSamples * 1000) / SAMPLE_RATE;
    const words = tokensToWords(
      this.model.tokens,
      tokens,
      best.timestamps,
      best.tokenLogProbs,
      // frameMs is 0 only before the first encoder call, when there are no tokens to time.
      { offsetMs, frameMs: this.frameMs, maxMs: (this.totalSamples * 1000) / SAMPLE_RATE },
      this.config.confidence,
    );
    return { text: detokenize(this.model.tokens, tokens), words };
  }

  /** Runs stream work one call at a time; work submitted before a reset() resolves to `stale`. */
  private serial<T>(stale: T, task: () => Promise<T>): Promise<T> {
    const generation = this.generation;
    const run = this.queue.then(() => (generation === this.generation ? task() : stale));
    this.queue = run.catch(() => undefined);
    return run;
  }
}
