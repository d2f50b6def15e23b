import { describe, expect, it } from 'vitest';
import { maxWeightAssignment } from '../../../main/engines/speaker';

function bruteForce(w: number[][]): number {
  const rows = w.length;
  const cols = w[0]?.length ?? 0;
  let best = 0;
  const used = new Array<boolean>(cols).fill(false);
  const go = (r: number, acc: number) => {
    if (r === rows) {
      best = Math.max(best, acc);
      return;
    }
    go(r + 1, acc); // row left unassigned
    for (let c = 0; c < cols; c++) {
      if (used[c]) continue;
      used[c] = true;
      go(r + 1, acc + w[r]![c]!);
      used[c] = false;
    }
  };
  go(0, 0);
  return best;
}

describe('maxWeightAssignment', () => {
  it('matches brute force on random square and rectangular matrices', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 10;
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + (trial % 5);
      const cols = 1 + ((trial * 7) % 5);
      const w = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rnd())));
      const match = maxWeightAssignment(w);
      const cols2 = match.filter((c) => c >= 0);
      expect(new Set(cols2).size).toBe(cols2.length);
      const total = match.reduce((a, c, r) => a + (c >= 0 ? w[r]![c]! : 0), 0);
      expect(total).toBe(bruteForce(w));
    }
  });

  it('leaves extra rows unassigned', () => {
    expect(maxWeightAssignment([[1], [5], [2]])).toEqual([-1, 0, -1]);
    expect(maxWeightAssignment([])).toEqual([]);
  });
});
