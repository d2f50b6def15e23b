import { describe, expect, it } from 'vitest';
import { tokensToWords } from '../../../../main/engines/asr/zipformer';
import { calibrate, wordConfidence } from '../../../../main/engines/asr/confidence';
import { parseTokens, WORD_BOUNDARY as B } from '../../../../main/engines/asr/tokens';

const table = parseTokens(
  `<blk> 0\n<sos/eos> 1\n<unk> 2\n${B}AFTER 3\n${B}E 4\nAR 5\nLY 6\n${B}NIGHT 7\n${B} 8\nFALL 9\n`,
);

describe('tokensToWords (MODELS.md §3.10)', () => {
  it('groups pieces at ▁, times words from frames × 40 ms, ends at the next word or last token + 40 ms', () => {
    // §3.1 golden: " AFTER"," E","AR","LY"," NIGHT" at 0.68, 1.04, 1.16, 1.24, 1.60 s = frames 17, 26, 29, 31, 40.
    const words = tokensToWords(table, [3, 4, 5, 6, 7], [17, 26, 29, 31, 40], [0, 0, 0, 0, 0], {
      offsetMs: 0,
      frameMs: 40,
    });
    expect(words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
      ['AFTER', 680, 1040],
      ['EARLY', 1040, 1600],
      ['NIGHT', 1600, 1640],
    ]);
  });

  it('adds the segment offset, clamps into the real audio, skips <unk>, and handles a bare ▁ piece', () => {
    const words = tokensToWords(table, [8, 9, 2, 3], [0, 1, 2, 50], [0, 0, 0, 0], {
      offsetMs: 1000,
      frameMs: 40,
      maxMs: 2500,
    });
    expect(words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
      ['FALL', 1000, 2500],
      ['AFTER', 2500, 2500],
    ]);
  });

  it('word confidence is the least confident piece (min), optionally the geometric mean', () => {
    const lp = [Math.log(0.9), Math.log(0.5), Math.log(0.8)];
    const [w] = tokensToWords(table, [4, 5, 6], [0, 1, 2], lp, { offsetMs: 0, frameMs: 40 });
    expect(w!.confidence).toBeCloseTo(0.5, 6);
    expect(wordConfidence(lp, 'geomean')).toBeCloseTo(Math.cbrt(0.9 * 0.5 * 0.8), 6);
    expect(wordConfidence([])).toBe(0);
  });

  it('calibration is a monotone piecewise-linear map', () => {
    const map = { x: [0, 0.5, 1], y: [0, 0.8, 1] };
    expect(calibrate(0.25, map)).toBeCloseTo(0.4, 6);
    expect(calibrate(0.75, map)).toBeCloseTo(0.9, 6);
    expect(wordConfidence([Math.log(0.5)], 'min', map)).toBeCloseTo(0.8, 6);
  });
});
