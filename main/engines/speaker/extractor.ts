/**
 * Speaker-embedding extractor for sherpa-style exports of 3D-Speaker CAM++/ERes2Net and WeSpeaker
 * ResNet (MODELS.md §6.1-6.3). Everything model-specific comes from the file: the embedding size
 * (`output_dim`, cross-checked against the graph), the sample scale (`normalize_samples`), whether
 * to subtract the utterance mean (`feature_normalize_type = global-mean`), the input/output names
 * (from the session). §6.3 lists two front-end discrepancies that only real data can settle, so CMN
 * and the fbank options are per-model settings a caller may override after calibration.
 */
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { FbankOptions, Features } from '../../dsp';
import { FBANK_PRESETS, FbankComputer, computeFbank, subtractUtteranceMean } from '../../dsp';
import { readOnnxInfo, type OnnxModelInfo } from '../../models/onnx-metadata';
import { l2Normalize, type Embedding } from './vector';

export type SpeakerModelErrorCode = 'MODEL_MISSING' | 'MODEL_INVALID' | 'MODEL_INCOMPATIBLE';

export class SpeakerModelError extends Error {
  readonly code: SpeakerModelErrorCode;
  readonly file: string;
  constructor(code: SpeakerModelErrorCode, file: string, message: string) {
    super(`speaker model ${file}: ${message}`);
    this.name = 'SpeakerModelError';
    this.code = code;
    this.file = file;
  }
}

export type SpeakerFramework = '3d-speaker' | 'wespeaker';

export interface SpeakerModelConfig {
  framework: SpeakerFramework;
  /** Embedding size from `output_dim` (never assumed: 512, 192 and 256 all exist, §6.1). */
  dim: number;
  sampleRate: number;
  /** Complete fbank options, sample scale included. */
  fbank: FbankOptions;
  /** Subtract each mel bin's utterance mean before the model ("global-mean", §6.3). */
  cmn: boolean;
}

export interface SpeakerConfigOverrides {
  /** Force CMN on/off (WeSpeaker's own recipe uses CMN though sherpa's metadata does not, §6.3). */
  cmn?: boolean;
  /** Fbank option overrides, e.g. { snipEdges: true, highFreq: 0 } for 3D-Speaker's own front-end. */
  fbank?: Partial<FbankOptions>;
}

const SAMPLE_RATE = 16000;
const NUM_BINS = 80;

/** Derives the front-end from sherpa's metadata keys (§6.2 table). Pure: testable without a session. */
export function speakerConfigFromMetadata(
  file: string,
  metadata: Record<string, string>,
  overrides: SpeakerConfigOverrides = {},
): SpeakerModelConfig {
  const need = (key: string): string => {
    const value = metadata[key];
    if (value === undefined) {
      throw new SpeakerModelError(
        'MODEL_INCOMPATIBLE',
        file,
        `metadata key '${key}' is missing (not a sherpa-onnx speaker-embedding export?)`,
      );
    }
    return value.trim();
  };
  const framework = need('framework');
  if (framework !== '3d-speaker' && framework !== 'wespeaker') {
    throw new SpeakerModelError(
      'MODEL_INCOMPATIBLE',
      file,
      `framework '${framework}' is not supported (expected 3d-speaker or wespeaker)`,
    );
  }
  const dim = Number(need('output_dim'));
  if (!Number.isInteger(dim) || dim <= 0)
    throw new SpeakerModelError('MODEL_INCOMPATIBLE', file, `output_dim '${metadata.output_dim}' is invalid`);
  const sampleRate = Number(need('sample_rate'));
  if (sampleRate !== SAMPLE_RATE)
    throw new SpeakerModelError('MODEL_INCOMPATIBLE', file, `sample_rate ${sampleRate} is not 16000`);
  const normalize = need('normalize_samples');
  if (normalize !== '0' && normalize !== '1')
    throw new SpeakerModelError('MODEL_INCOMPATIBLE', file, `normalize_samples '${normalize}' is not 0 or 1`);
  // §0.4: normalize_samples = 1 -> samples stay in [-1, 1]; 0 -> Kaldi int16 scale (x 32768).
  const sampleScale = normalize === '1' ? 1 : 32768;
  const preset = framework === '3d-speaker' ? FBANK_PRESETS.speaker3d : FBANK_PRESETS.wespeaker;
  const fbank: FbankOptions = { ...preset, sampleScale, ...overrides.fbank };
  if (fbank.numMelBins !== NUM_BINS)
    throw new SpeakerModelError('MODEL_INCOMPATIBLE', file, `expects ${NUM_BINS} mel bins`);
  const cmn = overrides.cmn ?? metadata.feature_normalize_type?.trim() === 'global-mean';
  return { framework, dim, sampleRate, fbank, cmn };
}

export interface SpeakerExtractorOptions extends SpeakerConfigOverrides {
  /** Identity used to keep voiceprints of different models apart; default: the file name. */
  modelId?: string;
  intraOpNumThreads?: number;
}

export interface SpeakerEmbedder {
  readonly modelId: string;
  readonly dim: number;
  /**
   * L2-normalised embedding of 16 kHz audio in [-1, 1]; null when the audio is too short to embed
   * (< MIN_EMBEDDING_FRAMES frames) or the model yields no direction (NaN / zero output).
   */
  embed(samples: Float32Array): Promise<Embedding | null>;
}

/** Fewer frames than this is not a speaker embedding (§6.3 asks for >= 1-1.5 s; this is only a floor). */
export const MIN_EMBEDDING_FRAMES = 10;

type Ort = typeof import('onnxruntime-node');

export class SpeakerEmbeddingExtractor implements SpeakerEmbedder {
  readonly modelId: string;
  readonly dim: number;
  readonly inputName: string;
  readonly outputName: string;
  private readonly computer: FbankComputer;
  private disposed = false;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly file: string,
    readonly config: SpeakerModelConfig,
    modelId: string,
  ) {
    this.modelId = modelId;
    this.dim = config.dim;
    this.inputName = session.inputNames[0]!;
    this.outputName = session.outputNames[0]!;
    this.computer = new FbankComputer(config.fbank);
  }

  static async load(file: string, options: SpeakerExtractorOptions = {}): Promise<SpeakerEmbeddingExtractor> {
    try {
      await access(file);
    } catch {
      throw new SpeakerModelError('MODEL_MISSING', file, 'file not found');
    }
    let info: OnnxModelInfo;
    try {
      info = await readOnnxInfo(file);
    } catch (error) {
      throw new SpeakerModelError(
        'MODEL_INVALID',
        file,
        `not a readable ONNX model (${(error as Error).message})`,
      );
    }
    if (!info.hasGraph) throw new SpeakerModelError('MODEL_INVALID', file, 'not an ONNX model (no graph)');
    const config = speakerConfigFromMetadata(file, info.metadata, options);
    const ort = await import('onnxruntime-node');
    let session: InferenceSession;
    try {
      // From the path, not a buffer: large exports may keep weights as external data (§0.3).
      session = await ort.InferenceSession.create(file, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
      });
    } catch (error) {
      throw new SpeakerModelError(
        'MODEL_INVALID',
        file,
        `onnxruntime cannot load it (${(error as Error).message})`,
      );
    }
    try {
      checkSignature(session, file, config.dim);
    } catch (error) {
      await session.release();
      throw error;
    }
    return new SpeakerEmbeddingExtractor(ort, session, file, config, options.modelId ?? basename(file));
  }

  /** The model's input features for `samples` (fbank, then CMN when the model wants it). */
  features(samples: Float32Array): Features {
    const features = computeFbank(samples, this.computer);
    if (this.config.cmn) subtractUtteranceMean(features);
    return features;
  }

  async embed(samples: Float32Array): Promise<Embedding | null> {
    return this.embedFeatures(this.features(samples));
  }

  async embedFeatures(features: Features): Promise<Embedding | null> {
    if (this.disposed) throw new Error(`SpeakerEmbeddingExtractor(${this.file}): embed after dispose()`);
    // Too short to say anything about the voice: the diarizer treats null as "attribute by context".
    if (features.numFrames < MIN_EMBEDDING_FRAMES) return null;
    // Batch 1: the 3D-Speaker export's output batch axis may be static (§6.2).
    const input = new this.ort.Tensor('float32', features.data, [1, features.numFrames, features.numBins]);
    const out = await this.session.run({ [this.inputName]: input });
    const tensor = out[this.outputName]!;
    const data = tensor.data as Float32Array;
    if (data.length !== this.dim) {
      throw new SpeakerModelError(
        'MODEL_INCOMPATIBLE',
        this.file,
        `output '${this.outputName}' has ${data.length} values, metadata output_dim says ${this.dim}`,
      );
    }
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return null; // sherpa drops NaN ones
    return l2Normalize(data);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}

type Meta = { name: string; isTensor?: boolean; type?: string; shape?: readonly (number | string)[] };

function checkSignature(session: InferenceSession, file: string, dim: number): void {
  if (session.inputNames.length !== 1 || session.outputNames.length < 1) {
    throw new SpeakerModelError(
      'MODEL_INCOMPATIBLE',
      file,
      `expected one input [N,T,80] and an embedding output, got inputs [${session.inputNames.join(', ')}]`,
    );
  }
  const input = (session.inputMetadata as readonly Meta[])[0];
  const shape = input?.shape;
  if (input?.type !== undefined && input.type !== 'float32')
    throw new SpeakerModelError(
      'MODEL_INCOMPATIBLE',
      file,
      `input '${input.name}' is ${input.type}, not float32`,
    );
  if (shape && (shape.length !== 3 || (typeof shape[2] === 'number' && shape[2] !== NUM_BINS))) {
    throw new SpeakerModelError(
      'MODEL_INCOMPATIBLE',
      file,
      `input '${input!.name}' has shape [${shape.join(', ')}], expected [N, T, ${NUM_BINS}]`,
    );
  }
  const outShape = (session.outputMetadata as readonly Meta[])[0]?.shape;
  const last = outShape?.[outShape.length - 1];
  if (typeof last === 'number' && last !== dim) {
    throw new SpeakerModelError(
      'MODEL_INCOMPATIBLE',
      file,
      `output embedding size ${last} differs from metadata output_dim ${dim}`,
    );
  }
}
