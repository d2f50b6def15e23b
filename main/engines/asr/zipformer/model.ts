/**
 * Loads a streaming Zipformer transducer (encoder + decoder + joiner + tokens.txt) from file paths
 * and checks every file against MODELS.md §3 before the first chunk: a wrong or missing file is
 * reported with its path and what is wrong, never as a shape error deep inside onnxruntime.
 */
import { readFile, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { metaInt, OnnxMetadataError, readOnnxInfo, type OnnxModelInfo } from '../../../models/onnx-metadata';
import { parseTokens, TokensFormatError, type TokenTable } from '../tokens';
import { encoderLayout, initialStateData, type EncoderLayout } from './layout';
import type { TransducerNet } from './search';

export interface ZipformerModelFiles {
  encoder: string;
  decoder: string;
  joiner: string;
  tokens: string;
}

export interface ZipformerLoadOptions {
  /** Per session (MODELS.md §0.3: set it explicitly, several models run at once). Default 1. */
  intraOpNumThreads?: number;
}

export type ZipformerModelErrorCode = 'MODEL_MISSING' | 'MODEL_INCOMPATIBLE';

export class ZipformerModelError extends Error {
  constructor(
    readonly code: ZipformerModelErrorCode,
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ZipformerModelError';
  }
}

export interface EncoderResult {
  /** Flat [frames, dim]. */
  encoderOut: Float32Array;
  frames: number;
  states: Map<string, ort.Tensor>;
}

export class ZipformerModel implements TransducerNet {
  private constructor(
    readonly files: ZipformerModelFiles,
    readonly layout: EncoderLayout,
    readonly tokens: TokenTable,
    readonly contextSize: number,
    readonly vocabSize: number,
    private readonly encoder: ort.InferenceSession,
    private readonly decoderSession: ort.InferenceSession,
    private readonly joinerSession: ort.InferenceSession,
    readonly encoderInfo: OnnxModelInfo,
  ) {}

  static async load(files: ZipformerModelFiles, options: ZipformerLoadOptions = {}): Promise<ZipformerModel> {
    for (const path of [files.encoder, files.decoder, files.joiner, files.tokens]) await requireFile(path);
    const [encInfo, decInfo, joinInfo] = await Promise.all(
      [files.encoder, files.decoder, files.joiner].map((f) => readInfo(f)),
    );
    const tokens = await readTokens(files.tokens);
    const contextSize = meta(() => metaInt(decInfo!, 'context_size'));
    const vocabSize = meta(() => metaInt(decInfo!, 'vocab_size'));
    if (contextSize < 1) throw incompatible(files.decoder, `context_size is ${contextSize}, expected >= 1`);
    if (tokens.size !== vocabSize) {
      throw incompatible(
        files.tokens,
        `has ${tokens.size} tokens but the decoder's vocab_size is ${vocabSize} (tokens.txt of another model?)`,
      );
    }
    if (tokens.blankId !== 0) {
      // sherpa hard-codes blank = 0 for these exports (§3.7, §3.8).
      throw incompatible(files.tokens, `expected '<blk> 0', found blank id ${tokens.blankId ?? 'none'}`);
    }

    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    };
    const [encoder, decoder, joiner] = await Promise.all(
      [files.encoder, files.decoder, files.joiner].map((f) => openSession(f, sessionOptions)),
    );
    const x = tensorMeta(encoder!.inputMetadata, 'x');
    const featureDim = typeof x?.shape[2] === 'number' ? x.shape[2] : 80;
    const layout = meta(() => encoderLayout(encInfo!, featureDim));
    checkEncoder(files.encoder, encoder!, layout);
    checkNames(files.decoder, 'decoder', decoder!.inputNames, ['y'], decoder!.outputNames, ['decoder_out']);
    checkNames(
      files.joiner,
      'joiner',
      joiner!.inputNames,
      ['encoder_out', 'decoder_out'],
      joiner!.outputNames,
      ['logit'],
    );
    // joiner_dim (§3.4) is informational in sherpa; when present it must match the joiner's inputs.
    const joinerEnc = tensorMeta(joiner!.inputMetadata, 'encoder_out');
    if (joinInfo!.metadata.joiner_dim !== undefined && typeof joinerEnc?.shape[1] === 'number') {
      const joinerDim = meta(() => metaInt(joinInfo!, 'joiner_dim'));
      if (joinerDim !== joinerEnc.shape[1]) {
        throw incompatible(
          files.joiner,
          `joiner_dim is ${joinerDim} but input encoder_out has ${joinerEnc.shape[1]}`,
        );
      }
    }
    const y = tensorMeta(decoder!.inputMetadata, 'y');
    if (y && typeof y.shape[1] === 'number' && y.shape[1] !== contextSize) {
      throw incompatible(
        files.decoder,
        `input y has ${y.shape[1]} context columns but context_size is ${contextSize}`,
      );
    }
    return new ZipformerModel(
      files,
      layout,
      tokens,
      contextSize,
      vocabSize,
      encoder!,
      decoder!,
      joiner!,
      encInfo!,
    );
  }

  initialStates(): Map<string, ort.Tensor> {
    const states = new Map<string, ort.Tensor>();
    for (const spec of this.layout.states) {
      states.set(spec.name, new ort.Tensor(spec.dtype, initialStateData(spec), spec.dims));
    }
    return states;
  }

  /** One encoder call on `chunkFrames` feature frames; states are fed and returned BY NAME (§0.1). */
  async runEncoder(features: Float32Array, states: ReadonlyMap<string, ort.Tensor>): Promise<EncoderResult> {
    const { chunkFrames, featureDim } = this.layout;
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', features, [1, chunkFrames, featureDim]),
    };
    for (const [name, tensor] of states) feeds[name] = tensor;
    const out = await this.encoder.run(feeds);
    const next = new Map<string, ort.Tensor>();
    for (const spec of this.layout.states) next.set(spec.name, out[`new_${spec.name}`]!);
    const enc = out.encoder_out!;
    return { encoderOut: enc.data as Float32Array, frames: enc.dims[1]!, states: next };
  }

  async decoder(contexts: BigInt64Array, n: number): Promise<Float32Array> {
    const out = await this.decoderSession.run({
      y: new ort.Tensor('int64', contexts, [n, this.contextSize]),
    });
    return out.decoder_out!.data as Float32Array;
  }

  async joiner(encoderFrame: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array> {
    const dim = encoderFrame.length;
    let enc = encoderFrame;
    if (n > 1) {
      enc = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) enc.set(encoderFrame, i * dim);
    }
    const out = await this.joinerSession.run({
      encoder_out: new ort.Tensor('float32', enc, [n, dim]),
      decoder_out: new ort.Tensor('float32', decoderOut, [n, decoderOut.length / n]),
    });
    return out.logit!.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoderSession.release(), this.joinerSession.release()]);
  }
}

function incompatible(file: string, message: string): ZipformerModelError {
  return new ZipformerModelError('MODEL_INCOMPATIBLE', file, message);
}

function meta<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof OnnxMetadataError) {
      // OnnxMetadataError's message already starts with the file.
      throw new ZipformerModelError(
        'MODEL_INCOMPATIBLE',
        error.file,
        error.message.slice(error.file.length + 2),
      );
    }
    throw error;
  }
}

async function requireFile(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ZipformerModelError('MODEL_MISSING', path, 'is not a file');
  } catch (error) {
    if (error instanceof ZipformerModelError) throw error;
    throw new ZipformerModelError('MODEL_MISSING', path, 'model file not found');
  }
}

async function readInfo(file: string): Promise<OnnxModelInfo> {
  return readOnnxInfo(file).catch((error: unknown) => {
    if (error instanceof OnnxMetadataError) {
      throw new ZipformerModelError('MODEL_INCOMPATIBLE', file, error.message.slice(error.file.length + 2));
    }
    throw error;
  });
}

async function readTokens(file: string): Promise<TokenTable> {
  try {
    return parseTokens(await readFile(file, 'utf8'), file);
  } catch (error) {
    if (error instanceof TokensFormatError) {
      throw incompatible(file, error.message.slice(file.length + 2));
    }
    throw new ZipformerModelError('MODEL_MISSING', file, `cannot read (${(error as Error).message})`);
  }
}

async function openSession(
  file: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, options);
  } catch (error) {
    throw incompatible(file, `onnxruntime cannot load it (${(error as Error).message})`);
  }
}

type TensorMeta = { name: string; isTensor: boolean; type?: string; shape: readonly (number | string)[] };

function tensorMeta(list: readonly unknown[], name: string): TensorMeta | undefined {
  const m = (list as TensorMeta[]).find((v) => v.name === name);
  return m && m.isTensor ? m : undefined;
}

function checkNames(
  file: string,
  what: string,
  inputs: readonly string[],
  wantInputs: readonly string[],
  outputs: readonly string[],
  wantOutputs: readonly string[],
): void {
  const missingIn = wantInputs.filter((n) => !inputs.includes(n));
  const extraIn = inputs.filter((n) => !wantInputs.includes(n));
  const missingOut = wantOutputs.filter((n) => !outputs.includes(n));
  if (missingIn.length || extraIn.length || missingOut.length) {
    const parts = [
      missingIn.length ? `missing input(s) ${list(missingIn)}` : '',
      extraIn.length ? `unexpected input(s) ${list(extraIn)}` : '',
      missingOut.length ? `missing output(s) ${list(missingOut)}` : '',
    ].filter(Boolean);
    throw incompatible(file, `not a streaming transducer ${what} (MODELS.md §3.3/§3.4): ${parts.join('; ')}`);
  }
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => `'${n}'`);
  return names.length > 5 ? `${shown.join(', ')} … (${names.length} in all)` : shown.join(', ');
}

/** The session must take exactly x + the metadata-derived states, with matching dtypes and static dims. */
function checkEncoder(file: string, session: ort.InferenceSession, layout: EncoderLayout): void {
  const stateNames = layout.states.map((s) => s.name);
  checkNames(file, `${layout.kind} encoder`, session.inputNames, ['x', ...stateNames], session.outputNames, [
    'encoder_out',
    ...stateNames.map((n) => `new_${n}`),
  ]);
  const x = tensorMeta(session.inputMetadata, 'x');
  if (x && typeof x.shape[1] === 'number' && x.shape[1] !== layout.chunkFrames) {
    throw incompatible(file, `input x takes ${x.shape[1]} frames but metadata T is ${layout.chunkFrames}`);
  }
  for (const spec of layout.states) {
    const m = tensorMeta(session.inputMetadata, spec.name);
    if (!m) continue;
    if (m.type && m.type !== spec.dtype) {
      throw incompatible(file, `state ${spec.name} is ${m.type}, expected ${spec.dtype}`);
    }
    if (m.shape.length === 0) continue;
    const mismatch =
      m.shape.length !== spec.dims.length ||
      m.shape.some((d, axis) => axis !== spec.batchAxis && typeof d === 'number' && d !== spec.dims[axis]);
    if (mismatch) {
      throw incompatible(
        file,
        `state ${spec.name} has shape [${m.shape.join(', ')}] but the metadata gives [${spec.dims
          .map((d, a) => (a === spec.batchAxis ? 'N' : d))
          .join(', ')}]`,
      );
    }
  }
}
