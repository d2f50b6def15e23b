/**
 * Bulk delay between the reference (system) channel and its echo in the microphone, at block resolution.
 *
 * Per block, both channels are reduced to band log-energies; their first differences (onsets, which make the
 * correlation peak sharp, where raw speech envelopes would give a peak hundreds of ms wide) are correlated at
 * every candidate lag with exponential forgetting (~4 s). The best lag is accepted only when it clearly beats
 * every lag outside its neighbourhood and wins several decisions in a row, so near-end speech, far-end
 * silence and noise leave the current estimate alone. Block resolution is enough: the adaptive filter
 * behind it covers hundreds of ms, and the canceller keeps a margin of a few blocks before the estimate.
 */

export interface DelayEstimatorOptions {
  /** Largest lag considered, in blocks. */
  maxLagBlocks: number;
  /** Number of spectrum bins per block (n/2 + 1). */
  bins: number;
  sampleRate: number;
  /** Forgetting factor of the correlation (per block). */
  smoothing?: number;
  /** Decisions are made every this many blocks. */
  decisionInterval?: number;
  /** Minimum normalised correlation for a lag to be trusted. */
  minCorrelation?: number;
  /** The best lag must beat the best lag outside its ±2 neighbourhood by this factor. */
  minPeakRatio?: number;
  /** Consecutive agreeing decisions needed to accept a new lag. */
  confirmations?: number;
}

const BANDS = 16;
const LOW_HZ = 200;
const HIGH_HZ = 4000;
/** Energies below this (in the canceller's int16-scaled, 1/n-normalised spectrum units) count as silence. */
const ENERGY_FLOOR = 1;

export class DelayEstimator {
  readonly maxLag: number;
  private readonly bandStart: Int32Array;
  private readonly bandEnd: Int32Array;
  private readonly smoothing: number;
  private readonly decisionInterval: number;
  private readonly minCorrelation: number;
  private readonly minPeakRatio: number;
  private readonly confirmations: number;

  private readonly prevMic = new Float64Array(BANDS);
  private readonly prevRef = new Float64Array(BANDS);
  private readonly micDiff = new Float64Array(BANDS);
  /** Ring of reference band differences, (maxLag + 1) × BANDS. */
  private readonly refHistory: Float64Array;
  private readonly score: Float64Array;
  private micPower = 0;
  private refPower = 0;
  private head = 0;
  private blocks = 0;
  private candidate = -1;
  private agreeing = 0;
  private accepted = -1;
  private lastCorrelation = 0;

  constructor(options: DelayEstimatorOptions) {
    this.maxLag = options.maxLagBlocks;
    this.smoothing = options.smoothing ?? 1 / 250;
    this.decisionInterval = options.decisionInterval ?? 8;
    this.minCorrelation = options.minCorrelation ?? 0.15;
    this.minPeakRatio = options.minPeakRatio ?? 1.25;
    this.confirmations = options.confirmations ?? 3;
    this.refHistory = new Float64Array((this.maxLag + 1) * BANDS);
    this.score = new Float64Array(this.maxLag + 1);
    this.bandStart = new Int32Array(BANDS);
    this.bandEnd = new Int32Array(BANDS);
    // Mel-like spacing: equal steps of log frequency between LOW_HZ and HIGH_HZ.
    const binHz = options.sampleRate / (2 * (options.bins - 1));
    const high = Math.min(HIGH_HZ, options.sampleRate / 2);
    for (let b = 0; b < BANDS; b++) {
      const f0 = LOW_HZ * (high / LOW_HZ) ** (b / BANDS);
      const f1 = LOW_HZ * (high / LOW_HZ) ** ((b + 1) / BANDS);
      this.bandStart[b] = Math.max(1, Math.round(f0 / binHz));
      this.bandEnd[b] = Math.max(this.bandStart[b]! + 1, Math.round(f1 / binHz));
    }
  }

  /** The accepted lag in blocks, or -1 while nothing has been trusted yet. */
  get lagBlocks(): number {
    return this.accepted;
  }

  /** Normalised correlation at the best lag in the latest decision (diagnostics). */
  get confidence(): number {
    return this.lastCorrelation;
  }

  reset(): void {
    this.prevMic.fill(0);
    this.prevRef.fill(0);
    this.refHistory.fill(0);
    this.score.fill(0);
    this.micPower = 0;
    this.refPower = 0;
    this.head = 0;
    this.blocks = 0;
    this.candidate = -1;
    this.agreeing = 0;
    this.accepted = -1;
    this.lastCorrelation = 0;
  }

  /**
   * One block of both channels as power spectra (|X|², bins 0…n/2) taken at the same capture time.
   * Returns true when the accepted lag changed.
   */
  update(micPower: Float64Array, refPower: Float64Array): boolean {
    const lags = this.maxLag + 1;
    this.head = (this.head + 1) % lags;
    const base = this.head * BANDS;
    let refSum = 0;
    let micSum = 0;
    for (let b = 0; b < BANDS; b++) {
      const m = Math.log(bandEnergy(micPower, this.bandStart[b]!, this.bandEnd[b]!) + ENERGY_FLOOR);
      const r = Math.log(bandEnergy(refPower, this.bandStart[b]!, this.bandEnd[b]!) + ENERGY_FLOOR);
      const dm = m - this.prevMic[b]!;
      const dr = r - this.prevRef[b]!;
      this.prevMic[b] = m;
      this.prevRef[b] = r;
      this.micDiff[b] = dm;
      this.refHistory[base + b] = dr;
      micSum += dm * dm;
      refSum += dr * dr;
    }
    this.blocks++;
    // The very first block differences against zero state: a meaningless jump, so it is not scored.
    if (this.blocks === 1) return false;

    const a = this.smoothing;
    const keep = 1 - a;
    this.micPower = keep * this.micPower + a * micSum;
    this.refPower = keep * this.refPower + a * refSum;
    const md = this.micDiff;
    const history = this.refHistory;
    for (let lag = 0; lag < lags; lag++) {
      let slot = this.head - lag;
      if (slot < 0) slot += lags;
      const off = slot * BANDS;
      let acc = 0;
      for (let b = 0; b < BANDS; b++) acc += md[b]! * history[off + b]!;
      this.score[lag] = keep * this.score[lag]! + a * acc;
    }
    if (this.blocks % this.decisionInterval !== 0) return false;
    return this.decide();
  }

  private decide(): boolean {
    const lags = this.maxLag + 1;
    const norm = Math.sqrt(this.micPower * this.refPower);
    if (!(norm > 0)) return false;
    let best = 0;
    for (let lag = 1; lag < lags; lag++) if (this.score[lag]! > this.score[best]!) best = lag;
    let rival = -Infinity;
    for (let lag = 0; lag < lags; lag++) {
      if (Math.abs(lag - best) > 2 && this.score[lag]! > rival) rival = this.score[lag]!;
    }
    const peak = this.score[best]!;
    this.lastCorrelation = peak / norm;
    const clear =
      this.lastCorrelation >= this.minCorrelation && (rival <= 0 || peak >= this.minPeakRatio * rival);
    if (!clear) {
      this.agreeing = 0;
      return false;
    }
    if (this.candidate >= 0 && Math.abs(best - this.candidate) <= 1) this.agreeing++;
    else this.agreeing = 1;
    this.candidate = best;
    if (this.agreeing < this.confirmations || best === this.accepted) return false;
    this.accepted = best;
    return true;
  }
}

function bandEnergy(power: Float64Array, start: number, end: number): number {
  let e = 0;
  for (let k = start; k < end; k++) e += power[k]!;
  return e;
}
