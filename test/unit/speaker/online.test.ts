import { describe, expect, it } from 'vitest';
import {
  embeddingWindows,
  OnlineDiarizer,
  rmsDb,
  type DiarizationWindow,
} from '../../../main/engines/speaker';
import { around, atCosine, rng } from './synthetic';

let t = 0;
const win = (
  embedding: Float32Array | null,
  ms = 1500,
  extra: Partial<DiarizationWindow> = {},
): DiarizationWindow => {
  const w = { segmentId: `s${t}`, startMs: t, endMs: t + ms, embedding, ...extra };
  t += ms + 100;
  return w;
};

describe('OnlineDiarizer', () => {
  it('opens a speaker per distinct voice and joins repeated ones', () => {
    const rand = rng(1);
    const d = new OnlineDiarizer({ threshold: 0.5 });
    const labels = [0, 1, 0, 2, 1, 0, 2].map((k) => d.addWindow(win(around(k, 0.2, rand))).speaker);
    expect(labels).toEqual(['S1', 'S2', 'S1', 'S3', 'S2', 'S1', 'S3']);
    const clusters = d.clusters();
    expect(clusters.map((c) => c.count)).toEqual([3, 2, 2]);
    // Centroids are unit vectors pointing at their voice.
    for (const [k, c] of clusters.entries()) expect(c.centroid[k]!).toBeGreaterThan(0.9);
  });

  it('never lets a short, quiet or embedding-less window open a speaker: it inherits its neighbour', () => {
    const rand = rng(2);
    const d = new OnlineDiarizer({ threshold: 0.5, minReliableMs: 1000, minReliableDb: -50 });
    d.addWindow(win(around(0, 0.1, rand)));
    const short = d.addWindow(win(around(5, 0.1, rand), 400));
    const quiet = d.addWindow(win(around(6, 0.1, rand), 1500, { rmsDb: -70 }));
    const none = d.addWindow(win(null));
    for (const a of [short, quiet, none]) {
      expect(a).toMatchObject({ speaker: 'S1', reason: 'inherited', provisional: true });
    }
    expect(d.clusters()).toHaveLength(1);
    expect(d.clusters()[0]!.count).toBe(1); // unreliable windows never move the centroid
    // The same voice, reliable, does open a speaker.
    expect(d.addWindow(win(around(5, 0.1, rand))).reason).toBe('new');
  });

  it('lets an unreliable window join a clearly matching speaker instead of its neighbour', () => {
    const rand = rng(3);
    const d = new OnlineDiarizer({ threshold: 0.5 });
    d.addWindow(win(around(0, 0.1, rand)));
    d.addWindow(win(around(1, 0.1, rand)));
    expect(d.addWindow(win(around(0, 0.1, rand), 300))).toMatchObject({
      speaker: 'S1',
      reason: 'joined',
      provisional: true,
    });
  });

  it('puts borderline windows on the closest speaker provisionally without moving its centroid', () => {
    const d = new OnlineDiarizer({ threshold: 0.6, newSpeakerThreshold: 0.3 });
    d.addWindow(win(atCosine(1)));
    const before = d.clusters()[0]!.centroid;
    expect(d.addWindow(win(atCosine(0.45)))).toMatchObject({
      speaker: 'S1',
      reason: 'borderline',
      provisional: true,
    });
    expect(Array.from(d.clusters()[0]!.centroid)).toEqual(Array.from(before));
    expect(d.addWindow(win(atCosine(0.2))).reason).toBe('new');
  });

  it('caps the number of speakers', () => {
    const rand = rng(4);
    const d = new OnlineDiarizer({ maxSpeakers: 2 });
    for (const k of [0, 1, 2, 3]) d.addWindow(win(around(k, 0.05, rand)));
    expect(d.clusters()).toHaveLength(2);
    expect(d.windows().map((w) => w.reason)).toEqual(['new', 'new', 'capped', 'capped']);
  });

  it('labels a segment by the speaker covering most of its windows', () => {
    const rand = rng(5);
    const d = new OnlineDiarizer();
    d.addSegment([
      { segmentId: 'a', startMs: 0, endMs: 1500, embedding: around(0, 0.1, rand) },
      { segmentId: 'a', startMs: 1500, endMs: 3000, embedding: around(1, 0.1, rand) },
      { segmentId: 'a', startMs: 3000, endMs: 4600, embedding: around(1, 0.1, rand) },
    ]);
    expect(d.speakerOfSegment('a')).toBe('S2');
    expect(d.speakerOfSegment('missing')).toBeNull();
  });
});

describe('embeddingWindows', () => {
  it('keeps short segments whole and cuts long ones into windows of 1-2x the target', () => {
    expect(embeddingWindows(0, 0)).toEqual([]);
    expect(embeddingWindows(100, 900)).toEqual([{ startMs: 100, endMs: 900 }]);
    expect(embeddingWindows(0, 2900)).toEqual([{ startMs: 0, endMs: 2900 }]);
    const w = embeddingWindows(1000, 10_000);
    expect(w).toHaveLength(6);
    expect(w[0]!.startMs).toBe(1000);
    expect(w[w.length - 1]!.endMs).toBe(10_000);
    for (let i = 1; i < w.length; i++) expect(w[i]!.startMs).toBe(w[i - 1]!.endMs);
    for (const x of w) expect(x.endMs - x.startMs).toBeGreaterThanOrEqual(1500);
  });
});

describe('rmsDb', () => {
  it('measures dBFS', () => {
    expect(rmsDb(new Float32Array(100).fill(0.5))).toBeCloseTo(-6.02, 1);
    expect(rmsDb(new Float32Array(10))).toBe(-Infinity);
  });
});
