import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VOICEPRINT_BANDS,
  makeVoiceprint,
  mergeSpeakers,
  splitSpeaker,
  suggestNames,
  tierOf,
  updateVoiceprint,
  type MeetingCluster,
} from '../../../main/engines/speaker';
import { around, atCosine, rng } from './synthetic';

const M = 'model-a';
const axis = (k: number) => around(k, 0, rng(1));
const cluster = (
  label: string,
  centroid: Float32Array,
  extra: Partial<MeetingCluster> = {},
): MeetingCluster => ({
  label,
  centroid,
  modelId: M,
  ...extra,
});

describe('confidence tiers', () => {
  it('maps cosine bands to sure / likely / unsure / nothing', () => {
    expect(tierOf(0.9)).toBe('sure');
    expect(tierOf(DEFAULT_VOICEPRINT_BANDS.sure)).toBe('sure');
    expect(tierOf(0.65)).toBe('likely');
    expect(tierOf(0.5)).toBe('unsure');
    expect(tierOf(0.3)).toBeNull();
  });
});

describe('suggestNames', () => {
  const alice = makeVoiceprint('vp1', 'Alice', M, atCosine(1));
  const bob = makeVoiceprint('vp2', 'Bob', M, axis(5));

  it('suggests each name for the best-matching cluster only, with its tier', () => {
    const s = suggestNames(
      [cluster('S1', atCosine(0.8)), cluster('S2', atCosine(0.9)), cluster('S3', axis(5))],
      [alice, bob],
    );
    expect(s).toEqual([
      expect.objectContaining({ label: 'S2', name: 'Alice', tier: 'sure' }),
      expect.objectContaining({ label: 'S3', name: 'Bob', tier: 'sure' }),
    ]);
    expect(s[0]!.similarity).toBeCloseTo(0.9, 5);
  });

  it('refuses an unknown voice', () => {
    expect(suggestNames([cluster('S1', axis(9))], [alice, bob])).toEqual([]);
    expect(suggestNames([cluster('S1', atCosine(0.3))], [alice])).toEqual([]);
  });

  it('compares only voiceprints of the same embedding model', () => {
    const foreign = { ...alice, modelId: 'model-b' };
    expect(suggestNames([cluster('S1', atCosine(1))], [foreign])).toEqual([]);
  });

  it('never suggests over a name the user set, nor reuses that name elsewhere', () => {
    const s = suggestNames(
      [cluster('S1', atCosine(0.95), { userName: 'Carol' }), cluster('S2', atCosine(0.9))],
      [alice, { ...alice, id: 'vp3', name: 'Carol' }],
    );
    expect(s.map((x) => [x.label, x.name])).toEqual([['S2', 'Alice']]);
  });

  it('lowers the tier when a second voiceprint is almost as close', () => {
    const twin = makeVoiceprint('vp4', 'Alicia', M, atCosine(0.999));
    const [s] = suggestNames([cluster('S1', atCosine(0.9))], [alice, twin]);
    expect(s!.tier).toBe('likely');
  });
});

describe('voiceprint maintenance', () => {
  it('normalises, blends updates, and refuses another model', () => {
    const p = makeVoiceprint('vp', 'A', M, Float32Array.of(3, 4));
    expect(Array.from(p.embedding)).toEqual([expect.closeTo(0.6), expect.closeTo(0.8)]);
    const u = updateVoiceprint(p, Float32Array.of(1, 0), M, 0.5);
    expect(u.embedding[0]!).toBeGreaterThan(0.6);
    expect(u.embedding[0]!).toBeLessThan(1);
    expect(() => updateVoiceprint(p, Float32Array.of(1, 0), 'model-b')).toThrow(/model/);
    expect(() => makeVoiceprint('z', 'Z', M, new Float32Array(4))).toThrow();
  });
});

describe('merge and split', () => {
  const rand = rng(7);
  const list = [0, 1, 0, 1, 1, 0].map((v, i) => ({
    speaker: 'S1',
    startMs: i * 2000,
    endMs: i * 2000 + (v ? 1000 : 1500),
    embedding: around(v, 0.1, rand) as Float32Array | null,
  }));

  it('merges labels', () => {
    const m = mergeSpeakers(
      list.map((x, i) => ({ ...x, speaker: i < 3 ? 'S1' : 'S2' })),
      ['S2'],
      'S1',
    );
    expect(new Set(m.map((x) => x.speaker))).toEqual(new Set(['S1']));
  });

  it('splits one speaker in two; the larger part keeps the label', () => {
    const withGap = [...list, { speaker: 'S1', startMs: 2100, endMs: 2400, embedding: null }];
    const s = splitSpeaker(withGap, 'S1', 'S4');
    expect(s.slice(0, 6).map((x) => x.speaker)).toEqual(['S1', 'S4', 'S1', 'S4', 'S4', 'S1']);
    expect(s[6]!.speaker).toBe('S4'); // no embedding: follows the nearest item in time (item 1)
    expect(splitSpeaker(list.slice(0, 1), 'S1', 'S4')).toEqual(list.slice(0, 1));
  });
});
