/**
 * Triangular mel filterbanks in sparse form (first non-zero FFT bin + weights), the layout
 * kaldi-native-fbank uses: applying one costs ~2 multiply-adds per FFT bin instead of numBins × numFftBins.
 */

export interface MelBankOptions {
  numBins: number;
  sampleRate: number;
  /** FFT length the power spectrum came from (padded window size). */
  fftSize: number;
  lowFreq: number;
  /** > 0: absolute Hz; <= 0: offset added to the Nyquist frequency (Kaldi convention). */
  highFreq: number;
}

export interface SparseMelBank {
  readonly numBins: number;
  /** First FFT bin of each filter. */
  readonly offsets: Int32Array;
  /** Start of each filter's weights in `weights`; filter b spans starts[b] … starts[b+1]. */
  readonly starts: Int32Array;
  readonly weights: Float64Array;
}

/** Kaldi/HTK mel: 1127·ln(1 + f/700). */
export function melKaldi(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** Slaney mel (librosa htk=False): linear below 1 kHz, logarithmic above. */
export function melSlaney(hz: number): number {
  return hz < 1000 ? (3 * hz) / 200 : 15 + Math.log(hz / 1000) / (Math.log(6.4) / 27);
}

export function melSlaneyToHz(mel: number): number {
  return mel < 15 ? (200 * mel) / 3 : 1000 * Math.exp((Math.log(6.4) / 27) * (mel - 15));
}

function resolveBand(opts: MelBankOptions): { low: number; high: number } {
  const nyquist = opts.sampleRate / 2;
  const high = opts.highFreq > 0 ? opts.highFreq : nyquist + opts.highFreq;
  const low = opts.lowFreq;
  if (low < 0 || low >= nyquist || high <= 0 || high > nyquist || high <= low) {
    throw new RangeError(`bad mel band: low ${low} Hz, high ${high} Hz, Nyquist ${nyquist} Hz`);
  }
  if (!Number.isInteger(opts.numBins) || opts.numBins < 3) throw new RangeError('need at least 3 mel bins');
  if (opts.fftSize % 2 !== 0) throw new RangeError('FFT size must be even');
  return { low, high };
}

function toSparse(dense: Float64Array[]): SparseMelBank {
  const offsets = new Int32Array(dense.length);
  const starts = new Int32Array(dense.length + 1);
  const parts: number[] = [];
  dense.forEach((row, b) => {
    let first = -1;
    let last = -1;
    for (let k = 0; k < row.length; k++) {
      if (row[k] !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) throw new RangeError(`mel filter ${b} is empty; too many mel bins for this FFT size`);
    offsets[b] = first;
    starts[b] = parts.length;
    for (let k = first; k <= last; k++) parts.push(row[k]!);
  });
  starts[dense.length] = parts.length;
  return { numBins: dense.length, offsets, starts, weights: Float64Array.from(parts) };
}

/**
 * Kaldi mel banks (knf `InitKaldiMelBanks`): triangles in the mel domain, no area normalisation,
 * FFT bins 0 … fftSize/2 − 1 only — the Nyquist bin never contributes.
 */
export function kaldiMelBank(opts: MelBankOptions): SparseMelBank {
  const { low, high } = resolveBand(opts);
  const numFftBins = opts.fftSize / 2;
  const binWidth = opts.sampleRate / opts.fftSize;
  const melLow = melKaldi(low);
  const delta = (melKaldi(high) - melLow) / (opts.numBins + 1);
  const rows: Float64Array[] = [];
  for (let b = 0; b < opts.numBins; b++) {
    const left = melLow + b * delta;
    const center = melLow + (b + 1) * delta;
    const right = melLow + (b + 2) * delta;
    const row = new Float64Array(numFftBins + 1);
    for (let k = 0; k < numFftBins; k++) {
      const mel = melKaldi(binWidth * k);
      if (mel > left && mel < right)
        row[k] = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center);
    }
    rows.push(row);
  }
  return toSparse(rows);
}

/**
 * Slaney mel banks as librosa.filters.mel(htk=False) and knf `InitLibrosaMelBanks` build them: points
 * equally spaced in Slaney mel, triangles in Hz, FFT bins 0 … fftSize/2 inclusive, and with
 * `slaneyNorm` each triangle scaled by 2/(f_right − f_left) (librosa norm='slaney', knf's default).
 */
export function slaneyMelBank(opts: MelBankOptions & { slaneyNorm?: boolean }): SparseMelBank {
  const { low, high } = resolveBand(opts);
  const numFftBins = opts.fftSize / 2;
  const binWidth = opts.sampleRate / opts.fftSize;
  const melLow = melSlaney(low);
  const delta = (melSlaney(high) - melLow) / (opts.numBins + 1);
  const norm = opts.slaneyNorm ?? true;
  const rows: Float64Array[] = [];
  for (let b = 0; b < opts.numBins; b++) {
    const left = melSlaneyToHz(melLow + b * delta);
    const center = melSlaneyToHz(melLow + (b + 1) * delta);
    const right = melSlaneyToHz(melLow + (b + 2) * delta);
    const scale = norm ? 2 / (right - left) : 1;
    const row = new Float64Array(numFftBins + 1);
    for (let k = 0; k <= numFftBins; k++) {
      const hz = binWidth * k;
      if (hz > left && hz < right) {
        row[k] = scale * (hz <= center ? (hz - left) / (center - left) : (right - hz) / (right - center));
      }
    }
    rows.push(row);
  }
  return toSparse(rows);
}

/** out[b] = Σ_k w_b[k]·power[k]. */
export function applyMelBank(bank: SparseMelBank, power: Float64Array, out: Float64Array): void {
  const { offsets, starts, weights, numBins } = bank;
  for (let b = 0; b < numBins; b++) {
    const end = starts[b + 1]!;
    let k = offsets[b]!;
    let e = 0;
    for (let j = starts[b]!; j < end; j++, k++) e += weights[j]! * power[k]!;
    out[b] = e;
  }
}
