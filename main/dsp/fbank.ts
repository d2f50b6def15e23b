/**
 * Kaldi-compatible log-mel filterbank (kaldi-native-fbank / torchaudio.compliance.kaldi.fbank), MODELS.md §1.2.
 * `FbankComputer` turns one frame into numMelBins log energies and allocates nothing per frame; `computeFbank`
 * runs it over a whole signal, `StreamingFbank` (streaming-fbank.ts) over audio as it arrives. Both use
 * `computeFrame`, so streaming output equals batch output bit for bit.
 */
import type { FbankOptions, FbankPreset, FrameGeometry } from './fbank-options';
import { firstSampleOfFrame, frameGeometry, numFrames, resolveFbankOptions } from './fbank-options';
import { RealFft } from './fft';
import type { SparseMelBank } from './mel';
import { applyMelBank, kaldiMelBank, slaneyMelBank } from './mel';
import { makeWindow } from './window';

/** std::numeric_limits<float>::epsilon(): the floor under every mel energy before the log. */
export const FLT_EPSILON = 1.1920928955078125e-7;

/** Row-major features: frame t, bin b at data[t * numBins + b]. */
export interface Features {
  data: Float32Array;
  numFrames: number;
  numBins: number;
}

export class FbankComputer {
  readonly options: Readonly<FbankOptions>;
  readonly geometry: Readonly<FrameGeometry>;
  readonly numBins: number;
  private readonly window: Float64Array;
  private readonly fft: RealFft;
  private readonly melBank: SparseMelBank;
  /** Padded frame; the tail beyond windowSize stays zero forever. */
  private readonly frame: Float64Array;
  private readonly power: Float64Array;
  private readonly energies: Float64Array;

  constructor(options: Partial<FbankOptions> | FbankPreset = {}) {
    this.options = Object.freeze(resolveFbankOptions(options));
    this.geometry = Object.freeze(frameGeometry(this.options));
    const { windowSize, paddedSize } = this.geometry;
    this.numBins = this.options.numMelBins;
    this.window = makeWindow(this.options.windowType, windowSize, this.options.blackmanCoeff);
    this.fft = new RealFft(paddedSize);
    const bankOptions = {
      numBins: this.numBins,
      sampleRate: this.options.sampleRate,
      fftSize: paddedSize,
      lowFreq: this.options.lowFreq,
      highFreq: this.options.highFreq,
    };
    this.melBank =
      this.options.melScale === 'slaney'
        ? slaneyMelBank({ ...bankOptions, slaneyNorm: this.options.slaneyNorm })
        : kaldiMelBank(bankOptions);
    this.frame = new Float64Array(paddedSize);
    this.power = new Float64Array(this.fft.numBins);
    this.energies = new Float64Array(this.numBins);
  }

  /** Frame count for a signal of `numSamples` samples (`flush` false: only frames complete so far). */
  numFrames(numSamples: number, flush = true): number {
    return numFrames(numSamples, this.geometry, flush);
  }

  /**
   * Computes frame `frameIndex` of a signal of `signalLength` samples, of which `buf[0 … bufLength)` holds
   * samples `bufStart …`. Samples outside [0, signalLength) are reflected (i < 0 → −i − 1, i ≥ N → 2N − 1 − i,
   * repeatedly for very short signals); the caller guarantees every sample the frame needs is in `buf`.
   * Writes numBins values at out[outOffset …].
   */
  computeFrame(
    buf: Float32Array,
    bufStart: number,
    bufLength: number,
    signalLength: number,
    frameIndex: number,
    out: Float32Array,
    outOffset: number,
  ): void {
    const { windowSize } = this.geometry;
    const { sampleScale, removeDcOffset, preemphCoeff } = this.options;
    const frame = this.frame;
    const start = firstSampleOfFrame(frameIndex, this.geometry);
    let sum = 0;
    if (start >= 0 && start + windowSize <= signalLength) {
      const base = start - bufStart;
      if (base < 0 || base + windowSize > bufLength)
        throw new RangeError(`frame ${frameIndex} is not in the buffer`);
      for (let i = 0; i < windowSize; i++) {
        const v = buf[base + i]! * sampleScale;
        frame[i] = v;
        sum += v;
      }
    } else {
      for (let i = 0; i < windowSize; i++) {
        let s = start + i;
        while (s < 0 || s >= signalLength) s = s < 0 ? -s - 1 : 2 * signalLength - 1 - s;
        const j = s - bufStart;
        if (j < 0 || j >= bufLength) throw new RangeError(`frame ${frameIndex} is not in the buffer`);
        const v = buf[j]! * sampleScale;
        frame[i] = v;
        sum += v;
      }
    }

    // DC removal, pre-emphasis and the window in one backward pass (reading frame[i − 1] before it is
    // overwritten): frame[i] = ((x[i] − μ) − c·(x[i − 1] − μ))·w[i], frame[0] = (x[0] − μ)(1 − c)·w[0].
    const mean = removeDcOffset ? sum / windowSize : 0;
    const w = this.window;
    const c = preemphCoeff;
    let cur = frame[windowSize - 1]! - mean;
    for (let i = windowSize - 1; i > 0; i--) {
      const prev = frame[i - 1]! - mean;
      frame[i] = (cur - c * prev) * w[i]!;
      cur = prev;
    }
    frame[0] = (cur - c * cur) * w[0]!;

    this.fft.powerSpectrum(frame, this.power);
    applyMelBank(this.melBank, this.power, this.energies);
    const e = this.energies;
    for (let b = 0; b < this.numBins; b++) {
      const v = e[b]!;
      out[outOffset + b] = Math.log(v > FLT_EPSILON ? v : FLT_EPSILON);
    }
  }
}

/** Log-mel fbank of a whole signal (float samples in [−1, 1]; options.sampleScale is applied here). */
export function computeFbank(
  samples: Float32Array,
  options: Partial<FbankOptions> | FbankPreset | FbankComputer = {},
): Features {
  const computer = options instanceof FbankComputer ? options : new FbankComputer(options);
  const count = computer.numFrames(samples.length);
  const data = new Float32Array(count * computer.numBins);
  for (let t = 0; t < count; t++) {
    computer.computeFrame(samples, 0, samples.length, samples.length, t, data, t * computer.numBins);
  }
  return { data, numFrames: count, numBins: computer.numBins };
}
