import { describe, expect, it } from 'vitest';
import { agglomerate, cosine, type Linkage } from '../../../main/engines/speaker';
import { around, rng } from './synthetic';

/** Textbook O(n³) agglomerative clustering: the reference for the NN-chain implementation. */
function naive(x: Float32Array[], linkage: Linkage, threshold: number): number[] {
  let clusters = x.map((_, i) => [i]);
  const d = (a: number[], b: number[]) => {
    const all = a.flatMap((i) => b.map((j) => Math.max(0, 1 - cosine(x[i]!, x[j]!))));
    return linkage === 'complete' ? Math.max(...all) : all.reduce((p, q) => p + q, 0) / all.length;
  };
  for (;;) {
    let best = Infinity;
    let pair: [number, number] = [0, 0];
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        const v = d(clusters[i]!, clusters[j]!);
        if (v < best) [best, pair] = [v, [i, j]];
      }
    if (clusters.length < 2 || best > threshold) break;
    const merged = [...clusters[pair[0]]!, ...clusters[pair[1]]!];
    clusters = clusters.filter((_, k) => k !== pair[0] && k !== pair[1]).concat([merged]);
  }
  const out = new Array<number>(x.length);
  clusters.forEach((c, k) => c.forEach((i) => (out[i] = k)));
  return out;
}

/** Same partition, whatever the cluster numbering. */
function samePartition(a: number[], b: number[]): boolean {
  const map = new Map<number, number>();
  const back = new Map<number, number>();
  return a.every((v, i) => {
    if (!map.has(v) && !back.has(b[i]!)) {
      map.set(v, b[i]!);
      back.set(b[i]!, v);
    }
    return map.get(v) === b[i] && back.get(b[i]!) === v;
  });
}

describe('agglomerate', () => {
  it('equals the textbook algorithm for both linkages at several cuts', () => {
    const rand = rng(11);
    for (let trial = 0; trial < 12; trial++) {
      const x = Array.from({ length: 14 + trial }, (_, i) =>
        around(i % (2 + (trial % 4)), 0.6 + trial * 0.05, rand),
      );
      for (const linkage of ['average', 'complete'] as const) {
        for (const threshold of [0.2, 0.5, 0.8]) {
          expect(
            samePartition(
              agglomerate(x, { linkage, distanceThreshold: threshold }),
              naive(x, linkage, threshold),
            ),
          ).toBe(true);
        }
      }
    }
  });

  it('recovers well-separated speakers by threshold and by count', () => {
    const rand = rng(5);
    const truth = Array.from({ length: 30 }, (_, i) => i % 3);
    const x = truth.map((k) => around(k, 0.3, rand));
    expect(samePartition(agglomerate(x), truth)).toBe(true);
    expect(samePartition(agglomerate(x, { numClusters: 3, distanceThreshold: 0 }), truth)).toBe(true);
    expect(new Set(agglomerate(x, { numClusters: 2 })).size).toBe(2);
    expect(new Set(agglomerate(x, { numClusters: 99 })).size).toBe(30);
    expect(agglomerate([])).toEqual([]);
  });

  it('average linkage keeps a speaker with one outlying window whole where complete linkage splits it', () => {
    // Speaker A: tight windows plus one odd window; speaker B: far away.
    const rand = rng(2);
    const a = Array.from({ length: 8 }, () => around(0, 0.15, rand));
    const odd = new Float32Array(16);
    odd[0] = 0.55;
    odd[2] = Math.sqrt(1 - 0.55 * 0.55);
    const b = Array.from({ length: 8 }, () => around(1, 0.15, rand));
    const x = [...a, odd, ...b];
    const avg = agglomerate(x, { linkage: 'average', distanceThreshold: 0.5 });
    const complete = agglomerate(x, { linkage: 'complete', distanceThreshold: 0.5 });
    expect(avg[8]).toBe(avg[0]);
    expect(new Set(avg).size).toBe(2);
    expect(new Set(complete).size).toBe(3);
  });
});
