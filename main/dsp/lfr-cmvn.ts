/**
 * SenseVoice post-processing of fbank features (MODELS.md §4.4): low frame rate stacking (FunASR `apply_lfr`,
 * sherpa `lfr.cc`) and CMVN with the `neg_mean` / `inv_stddev` vectors from the model's metadata_props.
 */
import type { Features } from './fbank';

/**
 * Stacks `m` consecutive frames every `n` frames: ceil(T/n) output frames of m·dim values (frame-major).
 * The input is left-padded with (m−1)/2 copies of frame 0, and windows running past the end repeat the
 * last frame, exactly as FunASR does.
 */
export function applyLfr(features: Features, m = 7, n = 6): Features {
  const { data, numFrames: t, numBins: dim } = features;
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || n < 1)
    throw new RangeError('LFR m and n must be >= 1');
  if (data.length < t * dim) throw new RangeError('features shorter than numFrames × numBins');
  const outFrames = Math.ceil(t / n);
  const outDim = m * dim;
  const out = new Float32Array(outFrames * outDim);
  const leftPad = Math.floor((m - 1) / 2);
  for (let i = 0; i < outFrames; i++) {
    for (let j = 0; j < m; j++) {
      // Index into the left-padded sequence, mapped back to an input frame and clamped at both ends.
      const src = Math.min(Math.max(i * n + j - leftPad, 0), t - 1);
      out.set(data.subarray(src * dim, src * dim + dim), i * outDim + j * dim);
    }
  }
  return { data: out, numFrames: outFrames, numBins: outDim };
}

/** Parses a metadata list such as "-8.31,-8.6,…" (comma-separated decimal floats, whitespace tolerated). */
export function parseFloatList(text: string, expectedLength?: number): Float32Array {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const values = new Float32Array(parts.length);
  parts.forEach((part, i) => {
    const v = Number(part);
    if (part === '' || !Number.isFinite(v)) throw new RangeError(`not a number at position ${i}: "${part}"`);
    values[i] = v;
  });
  if (expectedLength !== undefined && values.length !== expectedLength) {
    throw new RangeError(`expected ${expectedLength} values, got ${values.length}`);
  }
  return values;
}

export interface Cmvn {
  negMean: Float32Array;
  invStddev: Float32Array;
}

/** Reads `neg_mean` and `inv_stddev` from metadata_props; both must have `dim` values (560 for SenseVoice). */
export function cmvnFromMetadata(metadata: Readonly<Record<string, string>>, dim?: number): Cmvn {
  const negMeanText = metadata['neg_mean'];
  const invStddevText = metadata['inv_stddev'];
  if (negMeanText === undefined || invStddevText === undefined) {
    throw new Error('model metadata has no neg_mean / inv_stddev');
  }
  const negMean = parseFloatList(negMeanText, dim);
  const invStddev = parseFloatList(invStddevText, dim ?? negMean.length);
  return { negMean, invStddev };
}

/** In place: x[d] = (x[d] + negMean[d]) · invStddev[d] for every frame. */
export function applyCmvn(features: Features, cmvn: Cmvn): void {
  const { data, numFrames, numBins: dim } = features;
  const { negMean, invStddev } = cmvn;
  if (negMean.length !== dim || invStddev.length !== dim) {
    throw new RangeError(`CMVN has ${negMean.length}/${invStddev.length} values, features have ${dim}`);
  }
  for (let t = 0; t < numFrames; t++) {
    const row = t * dim;
    for (let d = 0; d < dim; d++) data[row + d] = (data[row + d]! + negMean[d]!) * invStddev[d]!;
  }
}
