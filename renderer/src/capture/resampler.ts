/**
 * Streaming windowed-sinc resampler to 16 kHz for the capture path (any input rate: 44.1, 48, 96 kHz).
 * Zero-phase (symmetric kernel, output sample k sits exactly at input time k * inRate / 16000), so the
 * recording is not delayed against the capture clock. Passband to 7.4 kHz, Blackman window, transition
 * 7.4 -> 8.6 kHz, so what folds back below 8 kHz lands above 7.4 kHz and is attenuated by the window's
 * ~74 dB stopband. Kernel values come from a table (512 fractional phases): no trig in the hot loop.
 * Pure TypeScript without DOM use, so it is unit-tested in Node.
 */
export const TARGET_RATE = 16_000;
const PHASES = 512;
const PASS_HZ = 7400;
const TRANSITION_HZ = 1200;

export class Resampler {
  readonly inRate: number;
  private readonly step: number;
  /** Kernel half-width in input samples. */
  private readonly half: number;
  /** PHASES + 1 rows of 2 * half taps: row p is the kernel for fractional offset p / PHASES. */
  private readonly table: Float32Array;
  private buffer: Float32Array;
  /** Absolute input index of buffer[0]. */
  private bufferStart: number;
  private bufferLength: number;
  /** Absolute input position (fractional) of the next output sample. */
  private next = 0;

  constructor(inRate: number) {
    if (!(inRate >= TARGET_RATE && inRate <= 384_000))
      throw new Error(`unsupported capture rate ${inRate} Hz`);
    this.inRate = inRate;
    this.step = inRate / TARGET_RATE;
    const fc = PASS_HZ / inRate + TRANSITION_HZ / inRate / 2; // cutoff (cycles/sample) mid-transition
    // Blackman: transition width ~5.5 / taps.
    this.half = Math.ceil(5.5 / (TRANSITION_HZ / inRate) / 2);
    const taps = 2 * this.half;
    this.table = new Float32Array((PHASES + 1) * taps);
    for (let p = 0; p <= PHASES; p++) {
      const frac = p / PHASES;
      let sum = 0;
      const row = this.table.subarray(p * taps, (p + 1) * taps);
      for (let j = 0; j < taps; j++) {
        // Tap j reads input index floor(x) - half + 1 + j; its distance from x is d.
        const d = j - this.half + 1 - frac;
        const x = 2 * fc * d;
        const sinc = d === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const w = d / this.half; // in [-1, 1]
        const win =
          Math.abs(w) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
        row[j] = sinc * win;
        sum += row[j]!;
      }
      for (let j = 0; j < taps; j++) row[j]! /= sum; // unity gain at DC for every phase
    }
    // History of zeros before the first sample: the first output is input sample 0, not a delayed one.
    this.buffer = new Float32Array(4096);
    this.bufferStart = -this.half;
    this.bufferLength = this.half;
  }

  /** Appends input; returns every output sample that the input so far fully determines. */
  push(input: Float32Array): Float32Array {
    this.append(input);
    const taps = 2 * this.half;
    const end = this.bufferStart + this.bufferLength;
    const count = Math.max(0, Math.floor((end - this.half - this.next) / this.step) + 1);
    const out = new Float32Array(count);
    let produced = 0;
    while (produced < count) {
      const base = Math.floor(this.next);
      const first = base - this.half + 1;
      if (first + taps > end) break;
      const p = Math.round((this.next - base) * PHASES);
      const row = p * taps;
      const offset = first - this.bufferStart;
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += this.table[row + j]! * this.buffer[offset + j]!;
      out[produced++] = acc;
      this.next += this.step;
    }
    // Keep only what the next output still needs.
    const keepFrom = Math.floor(this.next) - this.half + 1;
    const drop = Math.max(0, keepFrom - this.bufferStart);
    if (drop > 0) {
      this.buffer.copyWithin(0, drop, this.bufferLength);
      this.bufferLength -= drop;
      this.bufferStart += drop;
    }
    return produced === count ? out : out.subarray(0, produced);
  }

  private append(input: Float32Array): void {
    if (this.bufferLength + input.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.buffer.length * 2, this.bufferLength + input.length));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(input, this.bufferLength);
    this.bufferLength += input.length;
  }
}
