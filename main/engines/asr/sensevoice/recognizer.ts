import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { readOnnxInfo } from '../../../models/onnx-metadata';
import type { TokenTable } from '../tokens';
import { parseTokens } from '../tokens';
import type { AsrHypothesis, OfflineDecodeOptions, OfflineRecognizer } from '../types';
import { argmaxRow, ctcGreedy } from './ctc';
import { senseVoiceFeatures } from './features';
import type { SenseVoiceMetadata } from './metadata';
import { parseSenseVoiceMetadata } from './metadata';
import type { Ort, OrtSession } from '../model-files';
import {
  AsrModelError,
  checkSignature,
  createSession,
  loadOrt,
  requireFile,
  throwIfAborted,
} from '../model-files';
import type { SenseVoiceResult, SpecialRow } from './result';
import { convertSenseVoiceResult, SENSE_VOICE_QUERY_ROWS } from './result';

/** Names of the sherpa export's signature (MODELS.md §4.2); fed and fetched by name only. */
const IN_X = 'x';
const IN_X_LENGTH = 'x_length';
const IN_LANGUAGE = 'language';
const IN_TEXT_NORM = 'text_norm';
const OUT_LOGITS = 'logits';

const SAMPLE_RATE = 16000;

export interface SenseVoiceFiles {
  /** model.onnx or model.int8.onnx. */
  model: string;
  tokens: string;
}

export interface SenseVoiceOptions {
  /** Default language: 'auto' (the model detects) or a code with a `lang_<code>` metadata key ('en', 'zh', …). */
  language?: string;
  /** Inverse text normalisation inside the model (§4.6): punctuation, casing, digits. Default true (§10). */
  useItn?: boolean;
  intraOpNumThreads?: number;
  /** Longest segment accepted in one decode; default 30 s (§4.6: VAD segments of ≤ 20–30 s are usual). */
  maxSeconds?: number;
  modelId?: string;
  /** Test seam: wraps the session (e.g. to record the tensors given to the model). */
  wrapSession?: (session: OrtSession) => OrtSession;
}

/** Finds model.int8.onnx (preferred: the recommended default, §10) or model.onnx and tokens.txt in a directory. */
export async function senseVoiceFilesIn(dir: string): Promise<SenseVoiceFiles> {
  const tokens = join(dir, 'tokens.txt');
  for (const name of ['model.int8.onnx', 'model.onnx']) {
    const model = join(dir, name);
    try {
      await requireFile(model, 'SenseVoice model');
      return { model, tokens };
    } catch {
      // try the next name
    }
  }
  throw new AsrModelError(
    'MODEL_MISSING',
    join(dir, 'model.int8.onnx'),
    `SenseVoice model not found: neither ${join(dir, 'model.int8.onnx')} nor ${join(dir, 'model.onnx')} exists`,
  );
}

/**
 * SenseVoice-Small offline recognizer (sherpa export, CTC), MODELS.md §4. One session, shared by every
 * decode; decodes hold no state between calls.
 */
export class SenseVoiceRecognizer implements OfflineRecognizer {
  readonly modelId: string;
  readonly maxSamples: number;
  readonly metadata: SenseVoiceMetadata;
  /** Problems worth telling the user that do not stop the model from loading. */
  readonly warnings: string[] = [];
  private disposed = false;

  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
    private readonly table: TokenTable,
    metadata: SenseVoiceMetadata,
    private readonly files: SenseVoiceFiles,
    private readonly options: SenseVoiceOptions,
  ) {
    this.metadata = metadata;
    this.modelId = options.modelId ?? 'sense-voice';
    this.maxSamples = Math.round((options.maxSeconds ?? 30) * SAMPLE_RATE);
    // Fail at load, not at the first decode, when the default language is unknown to this model.
    this.languageId(options.language ?? 'auto');
    if (metadata.version === 1) {
      // §4.3: version 1 = QInt8 weights, which sherpa's export script says produce incorrect results.
      this.warnings.push(
        `${files.model} is a QInt8 export (metadata version 1), which is known to give incorrect results; ` +
          'use the QUInt8 (version 2) model.int8.onnx or the fp32 model.onnx',
      );
    }
  }

  static async load(files: SenseVoiceFiles, options: SenseVoiceOptions = {}): Promise<SenseVoiceRecognizer> {
    await requireFile(files.model, 'SenseVoice model');
    await requireFile(files.tokens, 'SenseVoice tokens file');
    const metadata = parseSenseVoiceMetadata(await readOnnxInfo(files.model));
    const table = parseTokens(await readFile(files.tokens, 'utf8'), files.tokens);
    if (table.size !== metadata.vocabSize) {
      throw new AsrModelError(
        'MODEL_INCOMPATIBLE',
        files.tokens,
        `${files.tokens} has ${table.size} tokens but ${files.model} has vocab_size ${metadata.vocabSize}: ` +
          'the tokens file belongs to another model',
      );
    }
    const ort = await loadOrt();
    const created = await createSession(ort, files.model, 'SenseVoice model', options.intraOpNumThreads ?? 1);
    const session = options.wrapSession ? options.wrapSession(created) : created;
    try {
      checkSignature(
        session,
        files.model,
        'SenseVoice model (sherpa export)',
        [IN_X, IN_X_LENGTH, IN_LANGUAGE, IN_TEXT_NORM],
        [OUT_LOGITS],
      );
    } catch (error) {
      await session.release();
      throw error;
    }
    return new SenseVoiceRecognizer(ort, session, table, metadata, files, options);
  }

  /** Maps a language option to the `language` input (§4.3 `lang_*` ids); 'auto' → lang_auto. */
  languageId(language: string): number {
    const id = this.metadata.languageIds[language];
    if (id === undefined) {
      throw new RangeError(
        `SenseVoice (${this.files.model}) does not know language '${language}'; ` +
          `it knows ${Object.keys(this.metadata.languageIds).join(', ')}`,
      );
    }
    return id;
  }

  async decode(samples: Float32Array, options: OfflineDecodeOptions = {}): Promise<AsrHypothesis> {
    return (await this.decodeDetailed(samples, options)).hypothesis;
  }

  /** decode() plus the raw special tokens and per-token times (acceptance tests compare them with §4.5). */
  async decodeDetailed(samples: Float32Array, options: OfflineDecodeOptions = {}): Promise<SenseVoiceResult> {
    if (this.disposed) throw new Error('SenseVoiceRecognizer: decode() after dispose()');
    if (samples.length > this.maxSamples) {
      throw new RangeError(
        `SenseVoice: ${(samples.length / SAMPLE_RATE).toFixed(1)} s of audio exceeds the ` +
          `${this.maxSamples / SAMPLE_RATE} s limit; segment it first`,
      );
    }
    // Hotwords: SenseVoice has no biasing input; they are ignored.
    const language = this.languageId(options.language ?? this.options.language ?? 'auto');
    throwIfAborted(options.signal);
    const meta = this.metadata;
    const features = senseVoiceFeatures(samples, meta);
    const durationMs = (samples.length / SAMPLE_RATE) * 1000;
    if (features.numFrames === 0) {
      // Shorter than one 25 ms frame: nothing to hear, nothing to run.
      return { hypothesis: { text: '', words: [] }, lang: '', emotion: '', event: '', itn: '', tokens: [] };
    }

    const { Tensor } = this.ort;
    const feeds: Record<string, Tensor> = {
      [IN_X]: new Tensor('float32', features.data, [1, features.numFrames, features.numBins]),
      // §4.2: x_length, language and text_norm are int32, not int64.
      [IN_X_LENGTH]: new Tensor('int32', Int32Array.of(features.numFrames), [1]),
      [IN_LANGUAGE]: new Tensor('int32', Int32Array.of(language), [1]),
      [IN_TEXT_NORM]: new Tensor(
        'int32',
        Int32Array.of((this.options.useItn ?? true) ? meta.withItn : meta.withoutItn),
        [1],
      ),
    };
    const out = await this.session.run(feeds);
    throwIfAborted(options.signal);
    const logitsTensor = out[OUT_LOGITS]!;
    const logits = logitsTensor.data as Float32Array;
    const vocab = Number(logitsTensor.dims[2]);
    const rows = Number(logitsTensor.dims[1]);
    if (logitsTensor.dims.length !== 3 || vocab !== this.table.size) {
      throw new AsrModelError(
        'MODEL_INCOMPATIBLE',
        this.files.model,
        `${this.files.model}: logits have shape [${logitsTensor.dims.join(', ')}], expected [1, T+4, ${this.table.size}]`,
      );
    }
    // Valid rows: x_length + 4 (§4.2).
    const valid = Math.min(rows, features.numFrames + SENSE_VOICE_QUERY_ROWS);
    const special: SpecialRow[] = [];
    let lastSpecial = -1;
    for (let r = 0; r < Math.min(SENSE_VOICE_QUERY_ROWS, valid); r++) {
      const { id, logProb } = argmaxRow(logits, r, vocab);
      special.push({ id, prob: Math.exp(logProb) });
      lastSpecial = id;
    }
    const textTokens = ctcGreedy(logits, vocab, meta.blankId, SENSE_VOICE_QUERY_ROWS, valid, lastSpecial);
    return convertSenseVoiceResult(special, textTokens, {
      table: this.table,
      languages: Object.keys(meta.languageIds),
      frameMs: 10 * meta.lfrWindowShift,
      durationMs,
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}
