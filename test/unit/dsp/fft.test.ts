import { describe, expect, it } from 'vitest';
import { ComplexFft, RealFft } from '../../../main/dsp';

/** Deterministic pseudo-random values in [−1, 1) (xorshift32). */
function noise(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function naiveDft(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
      si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return { re: outRe, im: outIm };
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>, count = a.length): number {
  let m = 0;
  for (let i = 0; i < count; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('ComplexFft', () => {
  // Powers of two, Whisper's 200 (4·2·5·5), radix-3 and generic-radix (7, 11, 49) plans.
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 30, 49, 64, 77, 200, 256, 1024]) {
    it(`matches a naive DFT for n = ${n}`, () => {
      const re = noise(n, n * 7 + 1);
      const im = noise(n, n * 13 + 5);
      const expected = naiveDft(re, im);
      const fft = new ComplexFft(n);
      fft.forward(re, im);
      const scale = Math.sqrt(n);
      expect(maxAbs(re, expected.re) / scale).toBeLessThan(1e-12);
      expect(maxAbs(im, expected.im) / scale).toBeLessThan(1e-12);
    });
  }

  it('gives the same result when reused (no state leaks between calls)', () => {
    const fft = new ComplexFft(200);
    const a = noise(200, 3);
    const b = noise(200, 4);
    const first = [a.slice(), b.slice()] as const;
    fft.forward(first[0], first[1]);
    const other = [noise(200, 9), noise(200, 10)] as const;
    fft.forward(other[0], other[1]);
    const again = [a.slice(), b.slice()] as const;
    fft.forward(again[0], again[1]);
    expect(Array.from(again[0])).toEqual(Array.from(first[0]));
    expect(Array.from(again[1])).toEqual(Array.from(first[1]));
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => new ComplexFft(0)).toThrow(RangeError);
    expect(() => new ComplexFft(2.5)).toThrow(RangeError);
  });
});

describe('RealFft', () => {
  for (const n of [2, 4, 6, 10, 14, 400, 512]) {
    it(`forward and powerSpectrum match a naive DFT for n = ${n}`, () => {
      const x = noise(n, n + 11);
      const expected = naiveDft(x, new Float64Array(n));
      const fft = new RealFft(n);
      expect(fft.numBins).toBe(n / 2 + 1);
      const re = new Float64Array(fft.numBins);
      const im = new Float64Array(fft.numBins);
      fft.forward(x, re, im);
      const scale = Math.sqrt(n);
      expect(maxAbs(re, expected.re, fft.numBins) / scale).toBeLessThan(1e-12);
      expect(maxAbs(im, expected.im, fft.numBins) / scale).toBeLessThan(1e-12);
      const power = new Float64Array(fft.numBins);
      fft.powerSpectrum(Float32Array.from(x), power);
      const expectedPower = expected.re.map((r, k) => r * r + expected.im[k]! * expected.im[k]!);
      // Float32 input rounds x by up to 2^-24 relative.
      expect(maxAbs(power, expectedPower, fft.numBins) / n).toBeLessThan(1e-6);
    });
  }

  it('reads the frame at the given offset', () => {
    const x = noise(600, 42);
    const fft = new RealFft(512);
    const atOffset = new Float64Array(257);
    const copied = new Float64Array(257);
    fft.powerSpectrum(x, atOffset, 50);
    fft.powerSpectrum(x.slice(50, 562), copied);
    expect(Array.from(atOffset)).toEqual(Array.from(copied));
  });

  it('puts a pure tone in its bin', () => {
    const n = 400;
    const x = new Float64Array(n).map((_, i) => Math.cos((2 * Math.PI * 25 * i) / n));
    const power = new Float64Array(201);
    new RealFft(n).powerSpectrum(x, power);
    expect(power[25]).toBeCloseTo((n / 2) ** 2, 6);
    for (let k = 0; k < 201; k++) if (k !== 25) expect(power[k]).toBeLessThan(1e-18 * n * n);
  });

  it('rejects odd sizes', () => {
    expect(() => new RealFft(401)).toThrow(RangeError);
  });
});
