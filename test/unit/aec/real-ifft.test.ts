import { describe, expect, it } from 'vitest';
import { RealInverseFft } from '../../../main/dsp/aec';
import { RealFft } from '../../../main/dsp/fft';
import { prng } from '../../fixtures/audio/synth';

describe('RealInverseFft', () => {
  it.each([16, 64, 512])('inverts RealFft (n = %i) to float64 precision', (n) => {
    const rand = prng(n);
    const x = Float64Array.from({ length: n }, () => 2 * rand() - 1);
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    new RealFft(n).forward(x, re, im);
    const y = new Float64Array(n);
    new RealInverseFft(n).inverse(re, im, y);
    for (let i = 0; i < n; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThan(1e-12);
  });

  it('matches a direct inverse DFT of a given half spectrum, with gain', () => {
    const n = 32;
    const rand = prng(3);
    const re = Float64Array.from({ length: n / 2 + 1 }, () => rand() - 0.5);
    const im = Float64Array.from({ length: n / 2 + 1 }, () => rand() - 0.5);
    // A real signal's spectrum has real DC and Nyquist bins.
    im[0] = 0;
    im[n / 2] = 0;
    const y = new Float64Array(n);
    new RealInverseFft(n).inverse(re, im, y, 3);
    for (let t = 0; t < n; t++) {
      let acc = re[0]! + re[n / 2]! * Math.cos(Math.PI * t);
      for (let k = 1; k < n / 2; k++) {
        const a = (2 * Math.PI * k * t) / n;
        acc += 2 * (re[k]! * Math.cos(a) - im[k]! * Math.sin(a));
      }
      expect(y[t]).toBeCloseTo((3 * acc) / n, 12);
    }
  });
});
