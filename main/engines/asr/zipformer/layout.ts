/**
 * Streaming Zipformer encoder layouts, derived from the encoder's `metadata_props` only
 * (MODELS.md §3.2, §3.3 for zipformer2; §3.6 for the v1 "zipformer"). Nothing here is hard-coded
 * per model: state names, order, shapes and dtypes come from the formulas sherpa's
 * `GetEncoderInitStates` uses, and the loader then checks them against the session's inputs.
 */
import { metaInt, metaInts, metaString, OnnxMetadataError } from '../../../models/onnx-metadata';
import type { OnnxModelInfo } from '../../../models/onnx-metadata';

export type ZipformerKind = 'zipformer2' | 'zipformer';

export interface StateSpec {
  name: string;
  dtype: 'float32' | 'int64';
  /** Shape with the batch axis N = 1 (one stream per call). */
  dims: number[];
  /** Which axis is N (MODELS.md §3.3: axis 1 for key/nonlin/val, 0 for conv/embed/lens). */
  batchAxis: number;
}

export interface EncoderLayout {
  kind: ZipformerKind;
  /** Feature frames fed per encoder call (metadata `T`, e.g. 45 = 32 + 7 + 2·3). */
  chunkFrames: number;
  /** Chunk shift in feature frames (metadata `decode_chunk_len`, e.g. 32). */
  chunkShift: number;
  featureDim: number;
  /** State inputs in the export's input order; outputs are `new_<name>` (§3.3). */
  states: StateSpec[];
  /**
   * Decoder start context (§3.8 initial-context note): zipformer2 decoders were traced with the
   * clamp-and-mask step, so `[-1, …, -1, blank]` gives the zero left-padding used in training (sherpa
   * `GetEmptyResult`); v1/stateless7 decoders turn −1 into the last vocabulary row, so they start
   * from `[blank, …, blank]`.
   */
  initialContext: 'minus-one' | 'blank';
}

type Meta = Pick<OnnxModelInfo, 'file' | 'metadata'>;

export function encoderLayout(info: Meta, featureDim = 80): EncoderLayout {
  const kind = metaString(info, 'model_type').trim();
  // §3.2: an optional `feature` key selects Whisper features instead of Kaldi fbank; only fbank is built.
  const feature = info.metadata.feature?.trim();
  if (feature !== undefined && feature !== '' && feature !== 'fbank') {
    throw new OnnxMetadataError(
      info.file,
      `metadata feature is '${feature}'; only Kaldi-fbank streaming Zipformers are supported`,
    );
  }
  if (kind === 'zipformer2') return zipformer2Layout(info, featureDim);
  if (kind === 'zipformer') return zipformerV1Layout(info, featureDim);
  throw new OnnxMetadataError(
    info.file,
    `metadata model_type is '${kind}'; a streaming Zipformer encoder has 'zipformer2' or 'zipformer'`,
  );
}

function perStack(info: Meta, keys: string[]): number[][] {
  const lists = keys.map((k) => metaInts(info, k));
  const stacks = lists[0]!.length;
  if (stacks === 0) throw new OnnxMetadataError(info.file, `metadata key '${keys[0]}' is empty`);
  lists.forEach((list, i) => {
    if (list.length !== stacks) {
      throw new OnnxMetadataError(
        info.file,
        `metadata key '${keys[i]}' has ${list.length} entries but '${keys[0]}' has ${stacks}`,
      );
    }
  });
  return lists;
}

function chunking(info: Meta): { chunkFrames: number; chunkShift: number } {
  const chunkFrames = metaInt(info, 'T');
  const chunkShift = metaInt(info, 'decode_chunk_len');
  if (chunkShift <= 0 || chunkFrames < chunkShift) {
    throw new OnnxMetadataError(
      info.file,
      `metadata T=${chunkFrames} and decode_chunk_len=${chunkShift} are inconsistent (need 0 < decode_chunk_len <= T)`,
    );
  }
  return { chunkFrames, chunkShift };
}

/** §3.3: six states per layer (layers numbered across stacks), then embed_states and processed_lens. */
function zipformer2Layout(info: Meta, featureDim: number): EncoderLayout {
  const [layers, dims, kernels, left, qHead, vHead, heads] = perStack(info, [
    'num_encoder_layers',
    'encoder_dims',
    'cnn_module_kernels',
    'left_context_len',
    'query_head_dims',
    'value_head_dims',
    'num_heads',
  ]) as [number[], number[], number[], number[], number[], number[], number[]];
  const states: StateSpec[] = [];
  let layer = 0;
  layers.forEach((count, s) => {
    const f = (name: string, shape: number[], batchAxis: number): StateSpec => ({
      name: `${name}_${layer}`,
      dtype: 'float32',
      dims: shape,
      batchAxis,
    });
    for (let k = 0; k < count; k++, layer++) {
      states.push(
        f('cached_key', [left[s]!, 1, qHead[s]! * heads[s]!], 1),
        f('cached_nonlin_attn', [1, 1, left[s]!, (3 * dims[s]!) / 4], 1),
        f('cached_val1', [left[s]!, 1, vHead[s]! * heads[s]!], 1),
        f('cached_val2', [left[s]!, 1, vHead[s]! * heads[s]!], 1),
        f('cached_conv1', [1, dims[s]!, Math.floor(kernels[s]! / 2)], 0),
        f('cached_conv2', [1, dims[s]!, Math.floor(kernels[s]! / 2)], 0),
      );
    }
  });
  const embedFreq = Math.floor((Math.floor((featureDim - 1) / 2) - 1) / 2);
  states.push({ name: 'embed_states', dtype: 'float32', dims: [1, 128, 3, embedFreq], batchAxis: 0 });
  states.push({ name: 'processed_lens', dtype: 'int64', dims: [1], batchAxis: 0 });
  for (const st of states) {
    if (st.dims.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new OnnxMetadataError(
        info.file,
        `metadata gives state ${st.name} the invalid shape [${st.dims}]`,
      );
    }
  }
  return { kind: 'zipformer2', ...chunking(info), featureDim, states, initialContext: 'minus-one' };
}

/**
 * §3.6: one tensor per stack and state type, grouped by type: all cached_len_*, then cached_avg_*,
 * cached_key_*, cached_val_*, cached_val2_*, cached_conv1_*, cached_conv2_*.
 */
function zipformerV1Layout(info: Meta, featureDim: number): EncoderLayout {
  const [layers, dims, att, kernels, left] = perStack(info, [
    'num_encoder_layers',
    'encoder_dims',
    'attention_dims',
    'cnn_module_kernels',
    'left_context_len',
  ]) as [number[], number[], number[], number[], number[]];
  const n = layers.length;
  const group = (
    name: string,
    dtype: StateSpec['dtype'],
    shape: (s: number) => number[],
    batchAxis: number,
  ): StateSpec[] =>
    Array.from({ length: n }, (_, s) => ({ name: `${name}_${s}`, dtype, dims: shape(s), batchAxis }));
  const states = [
    ...group('cached_len', 'int64', (s) => [layers[s]!, 1], 1),
    ...group('cached_avg', 'float32', (s) => [layers[s]!, 1, dims[s]!], 1),
    ...group('cached_key', 'float32', (s) => [layers[s]!, left[s]!, 1, att[s]!], 2),
    ...group('cached_val', 'float32', (s) => [layers[s]!, left[s]!, 1, att[s]! / 2], 2),
    ...group('cached_val2', 'float32', (s) => [layers[s]!, left[s]!, 1, att[s]! / 2], 2),
    ...group('cached_conv1', 'float32', (s) => [layers[s]!, 1, dims[s]!, kernels[s]! - 1], 1),
    ...group('cached_conv2', 'float32', (s) => [layers[s]!, 1, dims[s]!, kernels[s]! - 1], 1),
  ];
  for (const st of states) {
    if (st.dims.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new OnnxMetadataError(
        info.file,
        `metadata gives state ${st.name} the invalid shape [${st.dims}]`,
      );
    }
  }
  return { kind: 'zipformer', ...chunking(info), featureDim, states, initialContext: 'blank' };
}

/** Zero-filled initial states (sherpa initialises every state, including the int64 ones, to 0). */
export function initialStateData(spec: StateSpec): Float32Array | BigInt64Array {
  const size = spec.dims.reduce((a, b) => a * b, 1);
  return spec.dtype === 'int64' ? new BigInt64Array(size) : new Float32Array(size);
}
