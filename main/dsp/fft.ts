/**
 * Mixed-radix FFT (Stockham autosort, radices 4, 2, 3, 5 and a generic odd radix) with a real-input
 * wrapper. One plan serves every power of two (fbank: 512) and also Whisper's n_fft = 400 exactly:
 * a 400-point real FFT is a 200-point complex FFT (4·2·5·5) plus one split pass, so no Bluestein
 * (three 1024-point transforms and extra rounding) and no 201×400 direct-DFT table (~20× the work).
 *
 * Everything is planned in the constructor (twiddles, scratch); `forward`/`powerSpectrum` allocate nothing.
 * Arithmetic is in float64, which costs nothing extra in JS and keeps round-off far below float32 references.
 */

export type Samples = Float32Array | Float64Array;

interface Stage {
  radix: number;
  /** Sub-transform length after this stage's butterflies, i.e. n / (stride * radix). */
  m: number;
  /** Number of interleaved independent sub-problems entering this stage. */
  stride: number;
  /** Twiddles w_n^(p·k) for p in [0, m), k in [1, radix): index p * (radix - 1) + (k - 1). */
  twRe: Float64Array;
  twIm: Float64Array;
}

function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  for (const radix of [4, 2, 3, 5]) {
    while (rest % radix === 0) {
      factors.push(radix);
      rest /= radix;
    }
  }
  for (let p = 7; rest > 1; p += 2) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  return factors;
}

/** In-place forward complex DFT X[k] = Σ x[j]·e^(−2πi·jk/n), any n ≥ 1. */
export class ComplexFft {
  readonly size: number;
  private readonly stages: Stage[];
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;
  // Generic-radix scratch and its root table (only used for prime factors > 5).
  private readonly genRe: Float64Array;
  private readonly genIm: Float64Array;
  private readonly maxRadix: number;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.size = size;
    this.bufRe = new Float64Array(size);
    this.bufIm = new Float64Array(size);
    this.stages = [];
    let stride = 1;
    let len = size;
    for (const radix of factorize(size)) {
      const m = len / radix;
      const twRe = new Float64Array(m * (radix - 1));
      const twIm = new Float64Array(m * (radix - 1));
      for (let p = 0; p < m; p++) {
        for (let k = 1; k < radix; k++) {
          const angle = (-2 * Math.PI * p * k) / len;
          twRe[p * (radix - 1) + k - 1] = Math.cos(angle);
          twIm[p * (radix - 1) + k - 1] = Math.sin(angle);
        }
      }
      this.stages.push({ radix, m, stride, twRe, twIm });
      stride *= radix;
      len = m;
    }
    this.maxRadix = Math.max(1, ...this.stages.map((s) => s.radix));
    this.genRe = new Float64Array(this.maxRadix * 3);
    this.genIm = new Float64Array(this.maxRadix * 3);
  }

  /** Transforms (re, im) in place. Both arrays must have length `size`. */
  forward(re: Float64Array, im: Float64Array): void {
    let xr = re;
    let xi = im;
    let yr = this.bufRe;
    let yi = this.bufIm;
    for (const stage of this.stages) {
      switch (stage.radix) {
        case 4:
          if (stage.m === 1) radix4Last(stage, xr, xi, yr, yi);
          else radix4(stage, xr, xi, yr, yi);
          break;
        case 2:
          radix2(stage, xr, xi, yr, yi);
          break;
        case 3:
          radix3(stage, xr, xi, yr, yi);
          break;
        case 5:
          radix5(stage, xr, xi, yr, yi);
          break;
        default:
          this.radixGeneric(stage, xr, xi, yr, yi);
      }
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (xr !== re) {
      re.set(xr);
      im.set(xi);
    }
  }

  private radixGeneric(
    st: Stage,
    xr: Float64Array,
    xi: Float64Array,
    yr: Float64Array,
    yi: Float64Array,
  ): void {
    const { radix: r, m, stride: s, twRe, twIm } = st;
    const ar = this.genRe;
    const ai = this.genIm;
    // Roots of unity of order r live in the upper part of the scratch arrays.
    const root = r;
    for (let k = 0; k < r; k++) {
      ar[root + k] = Math.cos((-2 * Math.PI * k) / r);
      ai[root + k] = Math.sin((-2 * Math.PI * k) / r);
    }
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < s; q++) {
        for (let j = 0; j < r; j++) {
          const idx = q + s * (p + j * m);
          ar[j] = xr[idx]!;
          ai[j] = xi[idx]!;
        }
        for (let k = 0; k < r; k++) {
          let sr = 0;
          let si = 0;
          for (let j = 0; j < r; j++) {
            const e = (j * k) % r;
            const wr = ar[root + e]!;
            const wi = ai[root + e]!;
            sr += ar[j]! * wr - ai[j]! * wi;
            si += ar[j]! * wi + ai[j]! * wr;
          }
          const out = q + s * (r * p + k);
          if (k === 0) {
            yr[out] = sr;
            yi[out] = si;
          } else {
            const wr = twRe[p * (r - 1) + k - 1]!;
            const wi = twIm[p * (r - 1) + k - 1]!;
            yr[out] = sr * wr - si * wi;
            yi[out] = sr * wi + si * wr;
          }
        }
      }
    }
  }
}

// Stockham DIF stage: y[q + s(r·p + k)] = w_n^(pk) · Σ_j x[q + s(p + j·m)] · w_r^(jk).

function radix2(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  for (let p = 0; p < m; p++) {
    const wr = twRe[p]!;
    const wi = twIm[p]!;
    const in0 = s * p;
    const in1 = s * (p + m);
    const out0 = s * 2 * p;
    const out1 = out0 + s;
    for (let q = 0; q < s; q++) {
      const a0r = xr[in0 + q]!;
      const a0i = xi[in0 + q]!;
      const a1r = xr[in1 + q]!;
      const a1i = xi[in1 + q]!;
      yr[out0 + q] = a0r + a1r;
      yi[out0 + q] = a0i + a1i;
      const dr = a0r - a1r;
      const di = a0i - a1i;
      yr[out1 + q] = dr * wr - di * wi;
      yi[out1 + q] = dr * wi + di * wr;
    }
  }
}

function radix4(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  for (let p = 0; p < m; p++) {
    const t = p * 3;
    const w1r = twRe[t]!;
    const w1i = twIm[t]!;
    const w2r = twRe[t + 1]!;
    const w2i = twIm[t + 1]!;
    const w3r = twRe[t + 2]!;
    const w3i = twIm[t + 2]!;
    const in0 = s * p;
    const in1 = s * (p + m);
    const in2 = s * (p + 2 * m);
    const in3 = s * (p + 3 * m);
    const out0 = s * 4 * p;
    for (let q = 0; q < s; q++) {
      const a0r = xr[in0 + q]!;
      const a0i = xi[in0 + q]!;
      const a1r = xr[in1 + q]!;
      const a1i = xi[in1 + q]!;
      const a2r = xr[in2 + q]!;
      const a2i = xi[in2 + q]!;
      const a3r = xr[in3 + q]!;
      const a3i = xi[in3 + q]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      // (a1 − a3)·(−i)
      const t3r = a1i - a3i;
      const t3i = a3r - a1r;
      const o = out0 + q;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      const b1r = t1r + t3r;
      const b1i = t1i + t3i;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      const b2r = t0r - t2r;
      const b2i = t0i - t2i;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      const b3r = t1r - t3r;
      const b3i = t1i - t3i;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i;
      yi[o + 3 * s] = b3r * w3i + b3i * w3r;
    }
  }
}

/** Final radix-4 stage (m = 1): every twiddle is 1, and the loop over p has one pass. */
function radix4Last(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const s = st.stride;
  for (let q = 0; q < s; q++) {
    const a0r = xr[q]!;
    const a0i = xi[q]!;
    const a1r = xr[q + s]!;
    const a1i = xi[q + s]!;
    const a2r = xr[q + 2 * s]!;
    const a2i = xi[q + 2 * s]!;
    const a3r = xr[q + 3 * s]!;
    const a3i = xi[q + 3 * s]!;
    const t0r = a0r + a2r;
    const t0i = a0i + a2i;
    const t1r = a0r - a2r;
    const t1i = a0i - a2i;
    const t2r = a1r + a3r;
    const t2i = a1i + a3i;
    const t3r = a1i - a3i;
    const t3i = a3r - a1r;
    yr[q] = t0r + t2r;
    yi[q] = t0i + t2i;
    yr[q + s] = t1r + t3r;
    yi[q + s] = t1i + t3i;
    yr[q + 2 * s] = t0r - t2r;
    yi[q + 2 * s] = t0i - t2i;
    yr[q + 3 * s] = t1r - t3r;
    yi[q + 3 * s] = t1i - t3i;
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function radix3(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  for (let p = 0; p < m; p++) {
    const t = p * 2;
    const w1r = twRe[t]!;
    const w1i = twIm[t]!;
    const w2r = twRe[t + 1]!;
    const w2i = twIm[t + 1]!;
    const in0 = s * p;
    const in1 = s * (p + m);
    const in2 = s * (p + 2 * m);
    const out0 = s * 3 * p;
    for (let q = 0; q < s; q++) {
      const a0r = xr[in0 + q]!;
      const a0i = xi[in0 + q]!;
      const a1r = xr[in1 + q]!;
      const a1i = xi[in1 + q]!;
      const a2r = xr[in2 + q]!;
      const a2i = xi[in2 + q]!;
      const sr = a1r + a2r;
      const si = a1i + a2i;
      const mr = a0r - 0.5 * sr;
      const mi = a0i - 0.5 * si;
      // −i·(√3/2)·(a1 − a2)
      const dr = SIN_60 * (a1i - a2i);
      const di = -SIN_60 * (a1r - a2r);
      const o = out0 + q;
      yr[o] = a0r + sr;
      yi[o] = a0i + si;
      const b1r = mr + dr;
      const b1i = mi + di;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      const b2r = mr - dr;
      const b2i = mi - di;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

function radix5(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, stride: s, twRe, twIm } = st;
  for (let p = 0; p < m; p++) {
    const t = p * 4;
    const in0 = s * p;
    const in1 = s * (p + m);
    const in2 = s * (p + 2 * m);
    const in3 = s * (p + 3 * m);
    const in4 = s * (p + 4 * m);
    const out0 = s * 5 * p;
    for (let q = 0; q < s; q++) {
      const a0r = xr[in0 + q]!;
      const a0i = xi[in0 + q]!;
      const a1r = xr[in1 + q]!;
      const a1i = xi[in1 + q]!;
      const a2r = xr[in2 + q]!;
      const a2i = xi[in2 + q]!;
      const a3r = xr[in3 + q]!;
      const a3i = xi[in3 + q]!;
      const a4r = xr[in4 + q]!;
      const a4i = xi[in4 + q]!;
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const d1r = a1r - a4r;
      const d1i = a1i - a4i;
      const d2r = a2r - a3r;
      const d2i = a2i - a3i;
      const m1r = a0r + C1 * t1r + C2 * t2r;
      const m1i = a0i + C1 * t1i + C2 * t2i;
      const m2r = a0r + C2 * t1r + C1 * t2r;
      const m2i = a0i + C2 * t1i + C1 * t2i;
      // −i·(S1·d1 + S2·d2) and −i·(S2·d1 − S1·d2)
      const n1r = S1 * d1i + S2 * d2i;
      const n1i = -(S1 * d1r + S2 * d2r);
      const n2r = S2 * d1i - S1 * d2i;
      const n2i = -(S2 * d1r - S1 * d2r);
      const o = out0 + q;
      yr[o] = a0r + t1r + t2r;
      yi[o] = a0i + t1i + t2i;
      let br = m1r + n1r;
      let bi = m1i + n1i;
      yr[o + s] = br * twRe[t]! - bi * twIm[t]!;
      yi[o + s] = br * twIm[t]! + bi * twRe[t]!;
      br = m2r + n2r;
      bi = m2i + n2i;
      yr[o + 2 * s] = br * twRe[t + 1]! - bi * twIm[t + 1]!;
      yi[o + 2 * s] = br * twIm[t + 1]! + bi * twRe[t + 1]!;
      br = m2r - n2r;
      bi = m2i - n2i;
      yr[o + 3 * s] = br * twRe[t + 2]! - bi * twIm[t + 2]!;
      yi[o + 3 * s] = br * twIm[t + 2]! + bi * twRe[t + 2]!;
      br = m1r - n1r;
      bi = m1i - n1i;
      yr[o + 4 * s] = br * twRe[t + 3]! - bi * twIm[t + 3]!;
      yi[o + 4 * s] = br * twIm[t + 3]! + bi * twRe[t + 3]!;
    }
  }
}

/**
 * Real-input DFT of even length n via one n/2-point complex FFT: z[j] = x[2j] + i·x[2j+1], then
 * X[k] = E[k] + w_n^k·O[k] with E, O recovered from Z[k] and conj(Z[n/2 − k]). Outputs bins 0…n/2.
 */
export class RealFft {
  readonly size: number;
  /** Number of output bins, n/2 + 1. */
  readonly numBins: number;
  private readonly half: number;
  private readonly complex: ComplexFft;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) {
      throw new RangeError(`real FFT size must be an even integer >= 2, got ${size}`);
    }
    this.size = size;
    this.half = size / 2;
    this.numBins = this.half + 1;
    this.complex = new ComplexFft(this.half);
    this.zr = new Float64Array(this.half);
    this.zi = new Float64Array(this.half);
    this.wr = new Float64Array(this.half + 1);
    this.wi = new Float64Array(this.half + 1);
    for (let k = 0; k <= this.half; k++) {
      this.wr[k] = Math.cos((-2 * Math.PI * k) / size);
      this.wi[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** Spectrum of `input[offset … offset+size)`, bins 0…size/2 into outRe/outIm (length ≥ numBins). */
  forward(input: Samples, outRe: Float64Array, outIm: Float64Array, offset = 0): void {
    this.transformHalf(input, offset);
    const { zr, zi, wr, wi, half } = this;
    outRe[0] = zr[0]! + zi[0]!;
    outIm[0] = 0;
    outRe[half] = zr[0]! - zi[0]!;
    outIm[half] = 0;
    for (let k = 1; k < half; k++) {
      const ar = zr[k]!;
      const ai = zi[k]!;
      const br = zr[half - k]!;
      const bi = zi[half - k]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      outRe[k] = er + wr[k]! * or - wi[k]! * oi;
      outIm[k] = ei + wr[k]! * oi + wi[k]! * or;
    }
  }

  /** |X[k]|² for k = 0…size/2 of `input[offset … offset+size)` into `out` (length ≥ numBins). */
  powerSpectrum(input: Samples, out: Float64Array | Float32Array, offset = 0): void {
    this.transformHalf(input, offset);
    const { zr, zi, wr, wi, half } = this;
    const dc = zr[0]! + zi[0]!;
    const ny = zr[0]! - zi[0]!;
    out[0] = dc * dc;
    out[half] = ny * ny;
    for (let k = 1; k < half; k++) {
      const ar = zr[k]!;
      const ai = zi[k]!;
      const br = zr[half - k]!;
      const bi = zi[half - k]!;
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      const xr = 0.5 * (ar + br) + wr[k]! * or - wi[k]! * oi;
      const xi = 0.5 * (ai - bi) + wr[k]! * oi + wi[k]! * or;
      out[k] = xr * xr + xi * xi;
    }
  }

  private transformHalf(input: Samples, offset: number): void {
    const { zr, zi, half } = this;
    for (let j = 0; j < half; j++) {
      zr[j] = input[offset + 2 * j]!;
      zi[j] = input[offset + 2 * j + 1]!;
    }
    this.complex.forward(zr, zi);
  }
}
