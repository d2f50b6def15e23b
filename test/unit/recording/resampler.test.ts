import { describe, expect, it } from 'vitest';
import { Resampler } from '../../../renderer/src/capture/resampler';

const tone = (hz: number, rate: number, seconds: number, phase = 0) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.sin(2 * Math.PI * hz * (i / rate) + phase),
  );

/** Pushes in 10 ms chunks, as MediaStreamTrackProcessor delivers audio. */
function run(input: Float32Array, rate: number): Float32Array {
  const r = new Resampler(rate);
  const chunk = Math.round(rate / 100);
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(r.push(input.subarray(i, i + chunk)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe('capture resampler', () => {
  for (const rate of [44_100, 48_000]) {
    it(`keeps a 1 kHz tone exact in time and level from ${rate} Hz`, () => {
      const out = run(tone(1000, rate, 1), rate);
      // Everything the input determines, minus the kernel's look-ahead (< 8 ms).
      expect(out.length).toBeGreaterThan(16_000 - 130);
      expect(out.length).toBeLessThanOrEqual(16_000);
      const expected = tone(1000, 16_000, 1);
      // Zero phase: sample k is the tone at k / 16000 s (away from the zero-history start).
      let maxErr = 0;
      for (let k = 200; k < out.length; k++) maxErr = Math.max(maxErr, Math.abs(out[k]! - expected[k]!));
      expect(maxErr).toBeLessThan(2e-3);
    });

    it(`attenuates what would alias (9.5 kHz, from ${rate} Hz) by > 60 dB`, () => {
      const out = run(tone(9500, rate, 1), rate);
      expect(20 * Math.log10(rms(out.subarray(200)) / Math.SQRT1_2)).toBeLessThan(-60);
    });
  }

  it('passes 7 kHz within 0.5 dB', () => {
    const out = run(tone(7000, 48_000, 1), 48_000);
    expect(Math.abs(20 * Math.log10(rms(out.subarray(200)) / Math.SQRT1_2))).toBeLessThan(0.5);
  });
});
