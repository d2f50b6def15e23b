import { RealFft } from '../fft';
import { DelayEstimator } from './delay-estimator';
import { RealInverseFft } from './real-ifft';

/**
 * Partitioned-block frequency-domain adaptive filter (MDF / PBFDAF) for acoustic echo cancellation.
 *
 *  - Overlap-save blocks of N samples, FFT size 2N, P partitions of N taps: P·N taps of echo path.
 *  - Step size per partition and bin from a frequency-domain Kalman filter (Enzner & Vary 2006; Kuech et al.,
 *    "State-space architecture of the partitioned-block-based acoustic echo controller", ICASSP 2014):
 *    gain = P_j / (Σ_l |X_l|²·P_l + Φ), where P_j is the expected misalignment of partition j and Φ the power of
 *    what the filter cannot explain (near-end speech, noise). Near-end speech raises Φ, so double talk lowers the
 *    step on its own, bin by bin, without a detector threshold; while the filter is far off, P dominates and
 *    the step is close to a Newton step, which converges on speech far faster than NLMS. Process noise
 *    (1 − A²)·(|W|² + floor) lets the filter follow a changing room and makes the step proportionate: partitions
 *    where the echo path has energy keep a larger P. The prior for P decays with partition index, after
 *    Makino's exponentially weighted step: rooms put most echo energy right after the direct path.
 *  - Alternately updated gradient constraint (AUMDF, as in speexdsp's mdf.c): partition 0 and one rotating
 *    partition per block, four extra FFTs per block instead of 2P.
 *  - Two filters (speexdsp's two-path scheme, Valin 2007): the background one adapts, the foreground one makes
 *    the output and takes the background's weights only when its error is significantly lower, so a burst of
 *    misadaptation in double talk never reaches the output.
 *  - A bulk delay in whole blocks from a `DelayEstimator`, applied by indexing a ring of reference spectra, so the
 *    partitions cover the echo tail rather than the transport delay. When it moves by Δ blocks, the filters shift
 *    by Δ partitions, so a converged filter stays converged.
 *  - A residual-echo estimate per bin (0.5·Σ_j |X_j|²·P_j, the Kalman filter's own uncertainty) from which a mild
 *    suppression gain is derived for an optional post-filter.
 *
 * Samples are handled in the int16 range; spectra carry 1/(2N) (speexdsp's convention, which the two-path
 * constants assume).
 */

export interface MdfOptions {
  /** Block length N (power of two). */
  blockSize: number;
  /** Number of partitions P (echo tail covered after the bulk delay: P·N samples). */
  partitions: number;
  sampleRate: number;
  /** Largest bulk delay the estimator may choose, in blocks (0 disables estimation). */
  maxDelayBlocks: number;
  /** Blocks kept between the estimated delay and the filter start, for estimation error and causality. */
  delayMarginBlocks: number;
  /** Fixed bulk delay in blocks; disables the estimator when set. */
  fixedDelayBlocks?: number;
  /** Floor of the residual-echo suppression gain (linear, e.g. 0.25 = −12 dB). */
  suppressionFloor: number;
}

export interface MdfStats {
  /** Bulk delay applied to the reference, in samples. */
  delaySamples: number;
  /** Whether the delay is known (estimator locked, or fixed by configuration). */
  delayLocked: boolean;
  /** Times the background filter was copied to the foreground. */
  foregroundUpdates: number;
  /** Times the filters were reset after numerical divergence. */
  resets: number;
}

const SCALE = 32768;
const PREEMPH = 0.9;
/** DC notch pole radius: ~10 Hz at 16 kHz, low enough not to shift the phase of voice fundamentals. */
const NOTCH_RADIUS = 0.996;
/** Kalman state transition A² per block (0.999 at 16 ms blocks: the room may change over ~15 s). */
const KALMAN_A2 = 0.999;
/** Initial misalignment at the expected echo start, relative to a unit echo path gain. */
const KALMAN_P0 = 1;
/** The initial misalignment decays by e per this many partitions after the expected echo start. */
const PRIOR_DECAY_PARTITIONS = 2;
/** Process-noise floor: lets partitions with no echo yet learn slowly (an echo tail may appear there). */
const PROCESS_FLOOR = 1e-3;
/** Smoothing of Φ (the error power the filter cannot explain). */
const PHI_SMOOTHING = 0.5;
/** Residual echo is over-subtracted by this factor in the suppression gain. */
const SUPPRESSION_OVERESTIMATE = 1.5;
const VAR1_SMOOTH = 0.36;
const VAR2_SMOOTH = 0.7225;
const VAR1_UPDATE = 0.5;
const VAR2_UPDATE = 0.25;
const VAR_BACKTRACK = 4;

export class MdfCanceller {
  readonly blockSize: number;
  /** Per-bin suppression gain for the block just processed (bins 0…N), in [floor, 1]. */
  readonly suppressionGains: Float64Array;
  private readonly N: number;
  private readonly M: number;
  private readonly K: number;
  private readonly P: number;
  /** Ring length in blocks for reference spectra. */
  private readonly R: number;
  private readonly fft: RealFft;
  private readonly ifft: RealInverseFft;
  private readonly estimator: DelayEstimator | null;
  private readonly marginBlocks: number;
  private readonly maxBulk: number;
  private readonly suppressionFloor: number;
  /** Partition at which the echo is expected to start (prior for the misalignment). */
  private readonly priorStart: number;

  // Time-domain buffers ([previous block | current block] where 2N long).
  private readonly xTime: Float64Array;
  private readonly dTime: Float64Array;
  private readonly yTime: Float64Array;
  private readonly tmpTime: Float64Array;
  private readonly d: Float64Array;
  private readonly yFg: Float64Array;
  private readonly yBg: Float64Array;
  private readonly eFg: Float64Array;
  private readonly eBg: Float64Array;
  private readonly echo: Float64Array;
  private readonly window: Float64Array;

  // Reference spectra ring: R slots of K bins.
  private readonly ringRe: Float64Array;
  private readonly ringIm: Float64Array;
  private readonly slotRe: Float64Array[];
  private readonly slotIm: Float64Array[];
  /** |X|² per slot, computed once when the slot is written (used P times per block after that). */
  private readonly ringPow: Float64Array;
  private readonly slotPow: Float64Array[];
  private readonly prevSlots: Int32Array;

  // Filters and their misalignment (P × K each).
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;
  private readonly fRe: Float64Array;
  private readonly fIm: Float64Array;
  private readonly wPartRe: Float64Array[] = [];
  private readonly wPartIm: Float64Array[] = [];
  private readonly misalign: Float64Array;
  private readonly prior: Float64Array;

  // Per-bin spectra.
  private readonly yRe: Float64Array;
  private readonly yIm: Float64Array;
  private readonly eRe: Float64Array;
  private readonly eIm: Float64Array;
  private readonly errPow: Float64Array;
  private readonly phi: Float64Array;
  private readonly psi: Float64Array;
  private readonly micPow: Float64Array;

  private readonly notchDen2: number;

  private notch0 = 0;
  private notch1 = 0;
  private memD = 0;
  private memX = 0;
  private memE = 0;
  private davg1 = 0;
  private davg2 = 0;
  private dvar1 = 0;
  private dvar2 = 0;
  private saturated = 0;
  private cancelCount = 0;
  private t = 0;
  private bulk = 0;
  private prevBulk = 0;
  private havePrevError = false;
  private foregroundUpdates = 0;
  private resets = 0;

  constructor(options: MdfOptions) {
    const { blockSize: N, partitions: P, sampleRate } = options;
    if (!Number.isInteger(Math.log2(N)) || N < 16) {
      throw new RangeError(`MDF block size must be a power of two >= 16, got ${N}`);
    }
    if (!Number.isInteger(P) || P < 1)
      throw new RangeError(`MDF partitions must be an integer >= 1, got ${P}`);
    this.blockSize = N;
    this.N = N;
    this.M = 2 * N;
    this.K = N + 1;
    this.P = P;
    const fixed = options.fixedDelayBlocks;
    this.estimator =
      fixed === undefined && options.maxDelayBlocks > 0
        ? new DelayEstimator({ maxLagBlocks: options.maxDelayBlocks, bins: N + 1, sampleRate })
        : null;
    this.marginBlocks = options.delayMarginBlocks;
    this.maxBulk = Math.max(fixed ?? 0, options.maxDelayBlocks);
    this.bulk = fixed ?? 0;
    this.prevBulk = this.bulk;
    this.priorStart = this.estimator ? Math.min(P - 1, this.marginBlocks) : 0;
    this.suppressionFloor = options.suppressionFloor;
    this.R = this.maxBulk + P + 2;
    this.fft = new RealFft(this.M);
    this.ifft = new RealInverseFft(this.M);

    const M = this.M;
    const K = this.K;
    this.xTime = new Float64Array(M);
    this.dTime = new Float64Array(M);
    this.yTime = new Float64Array(M);
    this.tmpTime = new Float64Array(M);
    this.d = new Float64Array(N);
    this.yFg = new Float64Array(N);
    this.yBg = new Float64Array(N);
    this.eFg = new Float64Array(N);
    this.eBg = new Float64Array(N);
    this.echo = new Float64Array(N);
    this.window = new Float64Array(M);
    for (let i = 0; i < M; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / M);

    this.ringRe = new Float64Array(this.R * K);
    this.ringIm = new Float64Array(this.R * K);
    this.ringPow = new Float64Array(this.R * K);
    this.slotRe = [];
    this.slotIm = [];
    this.slotPow = [];
    for (let s = 0; s < this.R; s++) {
      this.slotRe.push(this.ringRe.subarray(s * K, (s + 1) * K));
      this.slotIm.push(this.ringIm.subarray(s * K, (s + 1) * K));
      this.slotPow.push(this.ringPow.subarray(s * K, (s + 1) * K));
    }
    this.prevSlots = new Int32Array(P);
    this.wRe = new Float64Array(P * K);
    this.wIm = new Float64Array(P * K);
    this.fRe = new Float64Array(P * K);
    this.fIm = new Float64Array(P * K);
    for (let j = 0; j < P; j++) {
      this.wPartRe.push(this.wRe.subarray(j * K, (j + 1) * K));
      this.wPartIm.push(this.wIm.subarray(j * K, (j + 1) * K));
    }
    this.prior = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      this.prior[j] = KALMAN_P0 * Math.exp(-Math.max(0, j - this.priorStart) / PRIOR_DECAY_PARTITIONS);
    }
    this.misalign = new Float64Array(P * K);

    this.yRe = new Float64Array(K);
    this.yIm = new Float64Array(K);
    this.eRe = new Float64Array(K);
    this.eIm = new Float64Array(K);
    this.errPow = new Float64Array(K);
    this.phi = new Float64Array(K);
    this.psi = new Float64Array(K);
    this.micPow = new Float64Array(K);
    this.suppressionGains = new Float64Array(K);

    this.notchDen2 = NOTCH_RADIUS ** 2 + 0.7 * (1 - NOTCH_RADIUS) ** 2;
    this.resetFilters();
  }

  stats(): MdfStats {
    return {
      delaySamples: this.bulk * this.N,
      delayLocked: this.estimator ? this.estimator.lagBlocks >= 0 : true,
      foregroundUpdates: this.foregroundUpdates,
      resets: this.resets,
    };
  }

  /** Forgets the echo path and the delay estimate (the counters in `stats()` are kept). */
  reset(): void {
    this.resetFilters();
    this.xTime.fill(0);
    this.dTime.fill(0);
    this.ringRe.fill(0);
    this.ringIm.fill(0);
    this.ringPow.fill(0);
    this.notch0 = this.notch1 = 0;
    this.memD = this.memX = this.memE = 0;
    this.t = 0;
    if (this.estimator) {
      this.estimator.reset();
      this.bulk = this.prevBulk = 0;
    }
  }

  private resetFilters(): void {
    this.wRe.fill(0);
    this.wIm.fill(0);
    this.fRe.fill(0);
    this.fIm.fill(0);
    this.eRe.fill(0);
    this.eIm.fill(0);
    this.phi.fill(0);
    for (let j = 0; j < this.P; j++) this.misalign.fill(this.prior[j]!, j * this.K, (j + 1) * this.K);
    this.suppressionGains.fill(1);
    this.davg1 = this.davg2 = this.dvar1 = this.dvar2 = 0;
    this.saturated = 0;
    this.cancelCount = 0;
    this.havePrevError = false;
  }

  /**
   * One block: N mic samples and the N reference samples captured at the same time, both in [-1, 1].
   * Writes N cleaned samples to out[outOffset…]; `suppressionGains` then holds this block's post-filter gains.
   */
  processBlock(
    mic: Float32Array,
    micOffset: number,
    ref: Float32Array,
    refOffset: number,
    out: Float32Array,
    outOffset: number,
  ): void {
    const { N, K, P, d } = this;

    // Microphone: DC notch, then pre-emphasis.
    const radius = NOTCH_RADIUS;
    const den2 = this.notchDen2;
    const dTime = this.dTime;
    let notch0 = this.notch0;
    let notch1 = this.notch1;
    let memD = this.memD;
    for (let i = 0; i < N; i++) {
      const vin = mic[micOffset + i]! * SCALE;
      // A clipped mic is not a linear echo path: skip adaptation for a while.
      if ((vin >= 32000 || vin <= -32000) && this.saturated === 0) this.saturated = P + 1;
      const vout = notch0 + vin;
      notch0 = notch1 + 2 * (-vin + radius * vout);
      notch1 = vin - den2 * vout;
      const v = radius * vout;
      const x = v - PREEMPH * memD;
      d[i] = x;
      memD = v;
      dTime[i] = dTime[N + i]!;
      dTime[N + i] = x;
    }
    this.notch0 = notch0;
    this.notch1 = notch1;
    this.memD = memD;

    // Reference: pre-emphasis, spectrum of [previous | current] into this block's ring slot.
    const xTime = this.xTime;
    let memX = this.memX;
    for (let i = 0; i < N; i++) {
      const r = ref[refOffset + i]! * SCALE;
      xTime[i] = xTime[N + i]!;
      xTime[N + i] = r - PREEMPH * memX;
      memX = r;
    }
    this.memX = memX;
    this.t++;
    const slot = this.t % this.R;
    const xRe = this.slotRe[slot]!;
    const xIm = this.slotIm[slot]!;
    const xPow = this.slotPow[slot]!;
    this.forward(xTime, xRe, xIm);
    for (let k = 0; k < K; k++) xPow[k] = xRe[k]! * xRe[k]! + xIm[k]! * xIm[k]!;

    let bulkChanged = false;
    if (this.estimator) bulkChanged = this.updateDelay(slot);

    // Foreground filter output and error.
    this.filterOutput(this.fRe, this.fIm, this.yFg);
    let sff = 0;
    for (let i = 0; i < N; i++) {
      const e = d[i]! - this.yFg[i]!;
      this.eFg[i] = e;
      sff += e * e;
    }

    // Kalman update with the previous block's error and reference alignment (one block of update delay).
    if (this.havePrevError) {
      this.denominators();
      if (this.saturated > 0) this.saturated--;
      else if (!bulkChanged) this.kalmanUpdate();
    }
    this.constrain();

    // Background filter output.
    this.filterOutput(this.wRe, this.wIm, this.yBg);
    let dbf = 10;
    let see = 0;
    for (let i = 0; i < N; i++) {
      const diff = this.yFg[i]! - this.yBg[i]!;
      dbf += diff * diff;
      const e = d[i]! - this.yBg[i]!;
      this.eBg[i] = e;
      see += e * e;
    }

    // Two-path logic: adopt the background filter when it is significantly better; fall back when worse.
    const delta = sff - see;
    this.davg1 = 0.6 * this.davg1 + 0.4 * delta;
    this.davg2 = 0.85 * this.davg2 + 0.15 * delta;
    this.dvar1 = VAR1_SMOOTH * this.dvar1 + 0.16 * sff * dbf;
    this.dvar2 = VAR2_SMOOTH * this.dvar2 + 0.0225 * sff * dbf;
    const echo = this.echo;
    if (
      delta * Math.abs(delta) > sff * dbf ||
      this.davg1 * Math.abs(this.davg1) > VAR1_UPDATE * this.dvar1 ||
      this.davg2 * Math.abs(this.davg2) > VAR2_UPDATE * this.dvar2
    ) {
      this.davg1 = this.davg2 = this.dvar1 = this.dvar2 = 0;
      this.fRe.set(this.wRe);
      this.fIm.set(this.wIm);
      this.foregroundUpdates++;
      // Cross-fade from the old to the new filter's output to avoid a click at the block boundary.
      const win = this.window;
      for (let i = 0; i < N; i++) echo[i] = win[i + N]! * this.yFg[i]! + win[i]! * this.yBg[i]!;
    } else {
      echo.set(this.yFg);
      if (
        -delta * Math.abs(delta) > VAR_BACKTRACK * sff * dbf ||
        -this.davg1 * Math.abs(this.davg1) > VAR_BACKTRACK * this.dvar1 ||
        -this.davg2 * Math.abs(this.davg2) > VAR_BACKTRACK * this.dvar2
      ) {
        this.wRe.set(this.fRe);
        this.wIm.set(this.fIm);
        this.yBg.set(this.yFg);
        this.eBg.set(this.eFg);
        see = sff;
        this.davg1 = this.davg2 = this.dvar1 = this.dvar2 = 0;
      }
    }

    const limit = N * 1e9;
    if (!(see >= 0 && sff >= 0 && sff < limit && see < limit)) {
      // Diverged, or fed NaN/huge samples: start over rather than emit garbage (this block comes out silent).
      this.reset();
      this.resets++;
      out.fill(0, outOffset, outOffset + N);
      return;
    }

    // Output: remove the echo estimate, undo the pre-emphasis.
    let memE = this.memE;
    for (let i = 0; i < N; i++) {
      const o = d[i]! - echo[i]! + PREEMPH * memE;
      memE = o;
      out[outOffset + i] = o / SCALE;
    }
    this.memE = memE;

    // Background error spectrum (zero-padded, overlap-save) for the next update.
    const tmp = this.tmpTime;
    tmp.fill(0, 0, N);
    for (let i = 0; i < N; i++) tmp[N + i] = this.eBg[i]!;
    this.forward(tmp, this.eRe, this.eIm);
    for (let k = 0; k < K; k++) this.errPow[k] = this.eRe[k]! ** 2 + this.eIm[k]! ** 2;

    this.prevBulk = this.bulk;
    this.havePrevError = true;
  }

  /** Ring slot of the reference block used by partition j at the current block, under the current bulk delay. */
  private slotOf(j: number): number {
    let s = (this.t - this.bulk - j) % this.R;
    if (s < 0) s += this.R;
    return s;
  }

  /** Scaled forward transform: spectra carry 1/(2N). */
  private forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    this.fft.forward(input, re, im);
    const s = 1 / this.M;
    for (let k = 0; k < this.K; k++) {
      re[k] = re[k]! * s;
      im[k] = im[k]! * s;
    }
  }

  /** y = last N samples of IFFT(Σ_j X_j·W_j). */
  private filterOutput(wRe: Float64Array, wIm: Float64Array, y: Float64Array): void {
    const { K, P, N } = this;
    const yRe = this.yRe;
    const yIm = this.yIm;
    yRe.fill(0);
    yIm.fill(0);
    for (let j = 0; j < P; j++) {
      const slot = this.slotOf(j);
      const xr = this.slotRe[slot]!;
      const xi = this.slotIm[slot]!;
      const off = j * K;
      for (let k = 0; k < K; k++) {
        const ar = xr[k]!;
        const ai = xi[k]!;
        const br = wRe[off + k]!;
        const bi = wIm[off + k]!;
        yRe[k] = yRe[k]! + ar * br - ai * bi;
        yIm[k] = yIm[k]! + ar * bi + ai * br;
      }
    }
    this.ifft.inverse(yRe, yIm, this.yTime, this.M);
    const yTime = this.yTime;
    for (let i = 0; i < N; i++) y[i] = yTime[N + i]!;
  }

  /**
   * Ψ_k = Σ_j |X_j|²·P_j + Φ_k for the previous block, and from it the residual-echo suppression gains:
   * the expected residual echo in the error is 0.5·Σ_j |X_j|²·P_j (the error block is half the FFT frame).
   */
  private denominators(): void {
    const { K, P, R } = this;
    const phi = this.phi;
    const psi = this.psi;
    const errPow = this.errPow;
    const a = PHI_SMOOTHING;
    for (let k = 0; k < K; k++) {
      phi[k] = a * phi[k]! + (1 - a) * errPow[k]!;
      psi[k] = 0;
    }
    const misalign = this.misalign;
    for (let j = 0; j < P; j++) {
      let s = (this.t - 1 - this.prevBulk - j) % R;
      if (s < 0) s += R;
      this.prevSlots[j] = s;
      const xp = this.slotPow[s]!;
      const off = j * K;
      for (let k = 0; k < K; k++) psi[k] = psi[k]! + xp[k]! * misalign[off + k]!;
    }
    const gains = this.suppressionGains;
    const floor = this.suppressionFloor;
    for (let k = 0; k < K; k++) {
      const residual = 0.5 * psi[k]!;
      const g = 1 - (SUPPRESSION_OVERESTIMATE * residual) / (phi[k]! + 1e-6);
      gains[k] = g < floor ? floor : g;
      psi[k] = psi[k]! + phi[k]! + 1e-6;
    }
  }

  /** W_j += (P_j/Ψ)·conj(X_j)·E;  P_j ← A²·(1 − ½·gain·|X_j|²)·P_j + (1 − A²)·(|W_j|² + floor). */
  private kalmanUpdate(): void {
    const { K, P } = this;
    const eRe = this.eRe;
    const eIm = this.eIm;
    const wRe = this.wRe;
    const wIm = this.wIm;
    const psi = this.psi;
    const misalign = this.misalign;
    const a2 = KALMAN_A2;
    const q = 1 - KALMAN_A2;
    for (let j = 0; j < P; j++) {
      const s = this.prevSlots[j]!;
      const xr = this.slotRe[s]!;
      const xi = this.slotIm[s]!;
      const xp = this.slotPow[s]!;
      const off = j * K;
      for (let k = 0; k < K; k++) {
        const pj = misalign[off + k]!;
        const g = pj / psi[k]!;
        const ar = xr[k]!;
        const ai = xi[k]!;
        const er = eRe[k]!;
        const ei = eIm[k]!;
        const wr = wRe[off + k]! + g * (ar * er + ai * ei);
        const wi = wIm[off + k]! + g * (ar * ei - ai * er);
        wRe[off + k] = wr;
        wIm[off + k] = wi;
        misalign[off + k] = a2 * (1 - 0.5 * g * xp[k]!) * pj + q * (wr * wr + wi * wi + PROCESS_FLOOR);
      }
    }
  }

  /** AUMDF: zero the second half of the impulse response of partition 0 and of one rotating partition. */
  private constrain(): void {
    const P = this.P;
    this.constrainPartition(0);
    if (P > 1) this.constrainPartition(1 + (this.cancelCount % (P - 1)));
    this.cancelCount++;
  }

  private constrainPartition(j: number): void {
    const { N, M } = this;
    const re = this.wPartRe[j]!;
    const im = this.wPartIm[j]!;
    this.ifft.inverse(re, im, this.tmpTime, M);
    this.tmpTime.fill(0, N);
    this.forward(this.tmpTime, re, im);
  }

  /** Feeds the estimator; moves the bulk delay (and shifts the filters) when its lag is accepted. */
  private updateDelay(slot: number): boolean {
    const est = this.estimator!;
    const { K } = this;
    this.fft.powerSpectrum(this.dTime, this.micPow);
    const s2 = 1 / (this.M * this.M);
    for (let k = 0; k < K; k++) this.micPow[k] = this.micPow[k]! * s2;
    if (!est.update(this.micPow, this.slotPow[slot]!)) return false;
    const wanted = Math.min(this.maxBulk, Math.max(0, est.lagBlocks - this.marginBlocks));
    // Move at once if the echo would fall before the filter start; otherwise only for a real gain (hysteresis).
    if (wanted < this.bulk || wanted > this.bulk + 1) {
      this.shiftFilters(wanted - this.bulk);
      this.bulk = wanted;
      return true;
    }
    return false;
  }

  /**
   * The bulk delay grows by `delta` blocks: partition j now holds what partition j + delta held. Partitions that
   * come into range start from nothing.
   */
  private shiftFilters(delta: number): void {
    const { K, P } = this;
    const n = Math.min(P, Math.abs(delta));
    const keep = (P - n) * K;
    for (const a of [this.wRe, this.wIm, this.fRe, this.fIm, this.misalign]) {
      if (delta > 0) a.copyWithin(0, n * K);
      else a.copyWithin(n * K, 0, keep);
    }
    const fresh0 = delta > 0 ? P - n : 0;
    for (const a of [this.wRe, this.wIm, this.fRe, this.fIm]) a.fill(0, fresh0 * K, (fresh0 + n) * K);
    // A moved delay is news: no partition is more certain than the prior for its new place (the echo may have
    // sat where the old prior was small and nothing was learnt yet).
    for (let j = 0; j < P; j++) {
      const p0 = this.prior[j]!;
      for (let i = j * K; i < (j + 1) * K; i++) if (this.misalign[i]! < p0) this.misalign[i] = p0;
    }
  }
}
