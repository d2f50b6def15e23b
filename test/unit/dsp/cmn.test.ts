import { describe, expect, it } from 'vitest';
import type { Features } from '../../../main/dsp';
import { normalizePerFeature, subtractUtteranceMean } from '../../../main/dsp';

const feats = (rows: number[][]): Features => ({
  data: Float32Array.from(rows.flat()),
  numFrames: rows.length,
  numBins: rows[0]?.length ?? 0,
});

describe('utterance CMN (speaker models)', () => {
  it('subtracts each bin’s mean over time', () => {
    const f = feats([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);
    subtractUtteranceMean(f);
    expect(Array.from(f.data)).toEqual([-2, -20, 0, -10, 2, 30]);
  });
});

describe('per-feature normalisation (Parakeet)', () => {
  it('gives (x − mean)/(std + 1e−5) with the population std', () => {
    const f = feats([
      [1, 7],
      [3, 7],
    ]);
    normalizePerFeature(f);
    // Bin 0: mean 2, std 1; bin 1: constant, std 0 → 0.
    expect(f.data[0]).toBeCloseTo(-1 / (1 + 1e-5), 7);
    expect(f.data[2]).toBeCloseTo(1 / (1 + 1e-5), 7);
    expect([f.data[1], f.data[3]]).toEqual([0, 0]);
  });

  it('uses T − 1 when asked (NeMo)', () => {
    const f = feats([[1], [3], [5]]);
    normalizePerFeature(f, 0, true);
    expect(Array.from(f.data)).toEqual([-1, 0, 1]);
  });

  it('stays accurate for quiet log-mel (tiny variance around a large offset)', () => {
    // ln(FLT_EPSILON) ≈ −15.94 with ±1e−3 wiggle: E[x²] − E[x]² in float32 would lose it entirely.
    const rows = Array.from({ length: 1000 }, (_, i) => [-15.9424 + (i % 2 === 0 ? 1e-3 : -1e-3)]);
    const f = feats(rows);
    normalizePerFeature(f);
    expect(f.data[0]).toBeCloseTo(0.99, 2);
    expect(f.data[1]).toBeCloseTo(-0.99, 2);
  });
});
