import { ComplexFft } from '../fft';

/**
 * Inverse of `RealFft` (main/dsp/fft.ts): bins 0…n/2 of a real signal's spectrum back to n samples, through one
 * n/2-point complex FFT. With Z[k] = E[k] + i·O[k], where E[k] = (X[k] + conj(X[n/2−k]))/2 and
 * O[k] = (X[k] − conj(X[n/2−k]))·w_n^(−k)/2, z = IDFT(Z) interleaves the even and odd output samples.
 * The inverse DFT is computed as conj(DFT(conj(Z))) so the forward plan is reused. Allocation-free.
 */
export class RealInverseFft {
  readonly size: number;
  private readonly half: number;
  private readonly complex: ComplexFft;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  /** w_n^(−k) = e^(+2πik/n). */
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) {
      throw new RangeError(`real inverse FFT size must be an even integer >= 2, got ${size}`);
    }
    this.size = size;
    this.half = size / 2;
    this.complex = new ComplexFft(this.half);
    this.zr = new Float64Array(this.half);
    this.zi = new Float64Array(this.half);
    this.wr = new Float64Array(this.half);
    this.wi = new Float64Array(this.half);
    for (let k = 0; k < this.half; k++) {
      this.wr[k] = Math.cos((2 * Math.PI * k) / size);
      this.wi[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * out[j] = gain · (1/n) Σ_k X[k]·e^(2πijk/n) over the full conjugate-symmetric spectrum, i.e. the exact
   * inverse of an unnormalised forward DFT when gain = 1. `re`/`im` hold bins 0…n/2.
   */
  inverse(re: Float64Array, im: Float64Array, out: Float64Array | Float32Array, gain = 1): void {
    const { zr, zi, wr, wi, half } = this;
    for (let k = 0; k < half; k++) {
      const ar = re[k]!;
      const ai = im[k]!;
      // conj(X[half − k])
      const br = re[half - k]!;
      const bi = -im[half - k]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      const or = dr * wr[k]! - di * wi[k]!;
      const oi = dr * wi[k]! + di * wr[k]!;
      // Z = E + i·O, stored conjugated for the forward-FFT trick.
      zr[k] = er - oi;
      zi[k] = -(ei + or);
    }
    this.complex.forward(zr, zi);
    const scale = gain / half;
    for (let j = 0; j < half; j++) {
      out[2 * j] = zr[j]! * scale;
      out[2 * j + 1] = -zi[j]! * scale;
    }
  }
}
