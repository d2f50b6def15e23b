import { describe, expect, it } from 'vitest';
import { recluster, type ReclusterItem } from '../../../main/engines/speaker';
import { around, rng } from './synthetic';

/** Items for voices `voices[i]` labelled live as `live[i]`, 1.5 s each. */
function items(voices: number[], live: string[], seed = 1, reliable?: boolean[]): ReclusterItem[] {
  const rand = rng(seed);
  return voices.map((v, i) => ({
    segmentId: `s${i}`,
    startMs: i * 2000,
    endMs: i * 2000 + 1500,
    embedding: around(v, 0.2, rand),
    reliable: reliable?.[i] ?? true,
    speaker: live[i]!,
  }));
}

describe('recluster', () => {
  it('merges a live over-split into the label that had most of the speech', () => {
    const r = recluster(items([0, 1, 0, 0, 1, 0, 0], ['S1', 'S2', 'S3', 'S1', 'S2', 'S3', 'S1']));
    expect(r.speakers).toEqual(['S1', 'S2', 'S1', 'S1', 'S2', 'S1', 'S1']);
    expect(r.relabel.get('S3')).toBe('S1');
    expect(r.relabel.get('S1')).toBe('S1');
    expect([...r.centroids.keys()].sort()).toEqual(['S1', 'S2']);
  });

  it('keeps labels stable however the live labels were numbered', () => {
    // Same voices, live labels swapped: each keeps its own label (no reshuffle to S1, S2 order).
    const r = recluster(items([0, 1, 0, 1], ['S2', 'S1', 'S2', 'S1']));
    expect(r.speakers).toEqual(['S2', 'S1', 'S2', 'S1']);
  });

  it('splits a live under-split with a fresh label that collides with no live label', () => {
    const r = recluster(items([0, 1, 0, 1, 0, 2, 2, 2], ['S1', 'S2', 'S1', 'S1', 'S1', 'S1', 'S1', 'S1']));
    expect(new Set(r.speakers).size).toBe(3);
    expect(r.speakers[0]).toBe('S1');
    expect(r.speakers[1]).toBe('S2');
    expect(r.speakers[3]).toBe('S2');
    expect(r.speakers[5]).toBe('S3');
  });

  it('honours the user speaker count, even against the threshold', () => {
    const base = items([0, 1, 2, 0, 1, 2], ['S1', 'S2', 'S3', 'S1', 'S2', 'S3']);
    expect(new Set(recluster(base, { numSpeakers: 2 }).speakers).size).toBe(2);
    expect(new Set(recluster(base, { numSpeakers: 3, distanceThreshold: 2 }).speakers).size).toBe(3);
  });

  it('does not give an outlier window one of the user-given speaker places', () => {
    const base = items([0, 1, 0, 1, 0, 1], ['S1', 'S2', 'S1', 'S2', 'S1', 'S2']);
    const odd: ReclusterItem = {
      ...base[0]!,
      segmentId: 'odd',
      startMs: 20_000,
      endMs: 21_000,
      embedding: around(7, 0, rng(9)),
    };
    const r = recluster([...base, odd], { numSpeakers: 2, minClusterMs: 2000 });
    expect(r.speakers.slice(0, 6)).toEqual(['S1', 'S2', 'S1', 'S2', 'S1', 'S2']);
    expect(['S1', 'S2']).toContain(r.speakers[6]);
  });

  it('attributes unreliable windows by clear match, else by time neighbour', () => {
    const base = items([0, 0, 1, 1, 0, 1], ['S1', 'S1', 'S2', 'S2', 'S1', 'S2'], 4, [
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    base[5] = { ...base[5]!, embedding: null, startMs: 6100, endMs: 6400 }; // right after item 3 (S2)
    base[4] = { ...base[4]!, startMs: 2000 + 1600 };
    const r = recluster(base);
    expect(r.speakers[4]).toBe('S1'); // matched its voice although placed among S2 items
    expect(r.speakers[5]).toBe('S2'); // no embedding: takes the nearest item in time
  });

  it('folds stray small clusters into their closest speaker', () => {
    const base = items([0, 1, 0, 1, 0, 1, 0], ['S1', 'S2', 'S1', 'S2', 'S1', 'S2', 'S1']);
    base[6] = { ...base[6]!, embedding: around(5, 0, rng(3)), endMs: base[6]!.startMs + 800 };
    expect(new Set(recluster(base).speakers).size).toBe(3);
    expect(new Set(recluster(base, { minClusterMs: 2000 }).speakers).size).toBe(2);
  });

  it('folds nobody when no cluster has enough speech (a short meeting, not a split)', () => {
    const short = items([0, 1, 2], ['S1', 'S2', 'S3']);
    expect(new Set(recluster(short).speakers).size).toBe(3);
    expect(new Set(recluster(short, { minClusterMs: 60_000 }).speakers).size).toBe(3);
  });

  it('keeps the live grouping when nothing is reliable', () => {
    const r = recluster(
      items([0, 1], ['S1', 'S2'], 1, [false, false]).map((x) => ({ ...x, embedding: null })),
    );
    expect(r.speakers).toEqual(['S1', 'S2']);
    expect(recluster([]).speakers).toEqual([]);
  });
});
