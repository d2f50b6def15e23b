import { describe, expect, it } from 'vitest';
import type { Features } from '../../../main/dsp';
import { applyCmvn, applyLfr, cmvnFromMetadata, parseFloatList } from '../../../main/dsp';

/** Frame t has values [10t + 1, 10t + 2] so every output position names its source frame. */
function frames(t: number, dim = 2): Features {
  const data = new Float32Array(t * dim);
  for (let i = 0; i < t; i++) for (let d = 0; d < dim; d++) data[i * dim + d] = 10 * i + d + 1;
  return { data, numFrames: t, numBins: dim };
}

/** Source frame of each stacked slot, read back from the values. */
function sources(f: Features, m: number, dim = 2): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < f.numFrames; i++) {
    const row: number[] = [];
    for (let j = 0; j < m; j++) row.push((f.data[i * m * dim + j * dim]! - 1) / 10);
    out.push(row);
  }
  return out;
}

describe('LFR 7/6 (FunASR apply_lfr, MODELS.md §4.4)', () => {
  it('stacks 7 frames every 6 with 3 copies of frame 0 on the left and the last frame repeated', () => {
    const out = applyLfr(frames(13), 7, 6);
    expect(out.numFrames).toBe(3);
    expect(out.numBins).toBe(14);
    expect(sources(out, 7)).toEqual([
      [0, 0, 0, 0, 1, 2, 3],
      [3, 4, 5, 6, 7, 8, 9],
      [9, 10, 11, 12, 12, 12, 12],
    ]);
    // Frame-major within a stacked frame: frame0[0..dim), frame1[0..dim), ...
    expect(Array.from(out.data.subarray(14, 18))).toEqual([31, 32, 41, 42]);
  });

  it('yields ceil(T / 6) frames', () => {
    for (let t = 1; t <= 25; t++) expect(applyLfr(frames(t), 7, 6).numFrames).toBe(Math.ceil(t / 6));
    expect(applyLfr(frames(0), 7, 6).numFrames).toBe(0);
  });

  it('handles a single frame (everything is frame 0)', () => {
    expect(sources(applyLfr(frames(1), 7, 6), 7)).toEqual([[0, 0, 0, 0, 0, 0, 0]]);
  });

  it('works for other m / n (m = 3, n = 2)', () => {
    expect(sources(applyLfr(frames(5), 3, 2), 3)).toEqual([
      [0, 0, 1],
      [1, 2, 3],
      [3, 4, 4],
    ]);
  });
});

describe('CMVN from metadata', () => {
  it('parses comma-separated floats', () => {
    expect(Array.from(parseFloatList('1.5, -2,3e-1,'))).toEqual([1.5, -2, Math.fround(0.3)]);
    expect(() => parseFloatList('1,,2')).toThrow(/position 1/);
    expect(() => parseFloatList('1,abc')).toThrow(RangeError);
    expect(() => parseFloatList('1,2,3', 4)).toThrow(/expected 4/);
  });

  it('computes (x + neg_mean) · inv_stddev per dimension', () => {
    const cmvn = cmvnFromMetadata({ neg_mean: '-1,-10,0.5', inv_stddev: '2,0.5,1' }, 3);
    const f: Features = { data: Float32Array.from([1, 10, 0, 3, 14, -0.5]), numFrames: 2, numBins: 3 };
    applyCmvn(f, cmvn);
    expect(Array.from(f.data)).toEqual([0, 0, 0.5, 4, 2, 0]);
  });

  it('rejects missing or mismatched vectors', () => {
    expect(() => cmvnFromMetadata({ neg_mean: '1,2' })).toThrow(/inv_stddev/);
    expect(() => cmvnFromMetadata({ neg_mean: '1,2', inv_stddev: '1,2,3' })).toThrow(/expected 2/);
    const cmvn = cmvnFromMetadata({ neg_mean: '1,2', inv_stddev: '1,1' });
    expect(() => applyCmvn(frames(2, 3), cmvn)).toThrow(/features have 3/);
  });
});
