import { describe, expect, it } from 'vitest';
import { containedSimilarity, judgeEcho, normaliseWords } from '../../../main/pipeline/echo-guard';

const sys = [
  { id: 1, startMs: 1000, endMs: 4000, text: 'The first item on the agenda is the budget for next year.' },
  { id: 2, startMs: 6000, endMs: 8000, text: 'Let me share my screen.' },
];

describe('echo guard', () => {
  it('normalises to lowercase alphanumeric words', () => {
    expect(normaliseWords("It's the Budget, for 2025!")).toEqual(['its', 'the', 'budget', 'for', '2025']);
  });

  it('drops an exact echo that overlaps in time', () => {
    const d = judgeEcho(
      { startMs: 1100, endMs: 4100, text: 'the first item on the agenda is the budget for next year' },
      sys,
    );
    expect(d.drop).toBe(true);
    expect(d.match!.segment.id).toBe(1);
    expect(d.match!.similarity).toBe(1);
  });

  it('drops a partial echo (a stretch of the system sentence, one word misheard)', () => {
    const d = judgeEcho({ startMs: 2500, endMs: 4100, text: 'agenda is the budget four next year' }, sys);
    expect(d.match!.similarity).toBeCloseTo(1 - 1 / 7, 5);
    expect(d.drop).toBe(true);
  });

  it('keeps genuine double talk with different words', () => {
    const d = judgeEcho({ startMs: 2000, endMs: 3500, text: 'sorry can I jump in here for a second' }, sys);
    expect(d.drop).toBe(false);
    expect(d.match!.similarity).toBeLessThan(0.5);
  });

  it('keeps the same words when they do not overlap in time (the user repeating a phrase later)', () => {
    const d = judgeEcho({ startMs: 20_000, endMs: 22_000, text: 'let me share my screen' }, sys);
    expect(d).toEqual({ drop: false, match: null });
  });

  it('matches an echo straddling two system segments', () => {
    const close = [
      { id: 1, startMs: 0, endMs: 2000, text: 'we are nearly done' },
      { id: 2, startMs: 2100, endMs: 4000, text: 'any questions' },
    ];
    expect(judgeEcho({ startMs: 500, endMs: 4000, text: 'nearly done any questions' }, close).drop).toBe(
      true,
    );
  });

  it('similarity edge cases', () => {
    expect(containedSimilarity([], ['a'])).toBe(0);
    expect(containedSimilarity(['a', 'b'], [])).toBe(0);
    expect(containedSimilarity(['x', 'y'], ['a', 'x', 'y', 'b'])).toBe(1);
  });

  describe('level rule (residual echo, text unusable)', () => {
    const loud = [{ id: 7, startMs: 1000, endMs: 5000, text: 'a b c d', levelDb: -26 }];
    it('drops a quiet mic segment lying inside system speech', () => {
      const d = judgeEcho({ startMs: 1100, endMs: 5200, text: 'x y z', levelDb: -50 }, loud);
      expect(d).toMatchObject({ drop: true, rule: 'level' });
      expect(d.match!.segment.id).toBe(7);
    });
    it('keeps double talk at a talking level', () => {
      expect(judgeEcho({ startMs: 1100, endMs: 5200, text: 'x y z', levelDb: -28 }, loud).drop).toBe(false);
    });
    it('keeps a quiet mic segment that mostly lies outside system speech', () => {
      expect(judgeEcho({ startMs: 4000, endMs: 9000, text: 'x y z', levelDb: -50 }, loud).drop).toBe(false);
    });
    it('needs levels on both sides', () => {
      expect(judgeEcho({ startMs: 1100, endMs: 5200, text: 'x y z' }, loud).drop).toBe(false);
      const noLevel = [{ startMs: 1000, endMs: 5000, text: 'a b c d' }];
      expect(judgeEcho({ startMs: 1100, endMs: 5200, text: 'x y z', levelDb: -60 }, noLevel).drop).toBe(
        false,
      );
    });
  });
});
