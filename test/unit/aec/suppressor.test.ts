import { describe, expect, it } from 'vitest';
import { ResidualSuppressor } from '../../../main/dsp/aec';
import { whiteNoise } from '../../fixtures/audio/synth';

function run(s: ResidualSuppressor, x: Float32Array, gains: Float64Array | null): Float32Array {
  const n = s.latencySamples;
  const out = new Float32Array(x.length);
  const block = new Float32Array(n);
  for (let at = 0; at + n <= x.length; at += n) {
    s.process(x.subarray(at, at + n), gains, block);
    out.set(block, at);
  }
  return out;
}

/** max |out[i] − gain·x[i − 256]| after the one-block latency. */
function maxError(out: Float32Array, x: Float32Array, gain: number): number {
  let max = 0;
  for (let i = 256; i < x.length; i++) max = Math.max(max, Math.abs(out[i]! - gain * x[i - 256]!));
  return max;
}

describe('ResidualSuppressor', () => {
  it('passes the signal through unchanged, one block late, at unit gain', () => {
    const x = whiteNoise(256 * 20, 0.3, 1);
    const out = run(new ResidualSuppressor(256), x, null);
    expect(maxError(out, x, 1)).toBeLessThan(1e-6);
    const ones = new Float64Array(257).fill(1);
    expect(run(new ResidualSuppressor(256), x, ones)).toEqual(out);
  });

  it('scales by a flat gain and removes a band where the gain is zero', () => {
    const x = whiteNoise(256 * 40, 0.3, 2);
    const half = run(new ResidualSuppressor(256), x, new Float64Array(257).fill(0.5));
    expect(maxError(half, x, 0.5)).toBeLessThan(1e-6);
    // A 1 kHz tone sits in bin 32 of a 512-point frame at 16 kHz; zero bins 28..36 and it is gone.
    const tone = Float32Array.from({ length: 256 * 40 }, (_, i) =>
      Math.sin((2 * Math.PI * 1000 * i) / 16000),
    );
    const gains = new Float64Array(257).fill(1);
    gains.fill(0, 28, 37);
    const out = run(new ResidualSuppressor(256), tone, gains);
    let e = 0;
    for (let i = 1024; i < out.length; i++) e += out[i]! ** 2;
    expect(e / (out.length - 1024)).toBeLessThan(1e-4);
  });
});
