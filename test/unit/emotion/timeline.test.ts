import { describe, expect, it } from 'vitest';
import { emotionTimeline, type EmotionSegment } from '../../../main/engines/emotion';

const seg = (
  speaker: string,
  startS: number,
  endS: number,
  label: EmotionSegment['emotion'],
): EmotionSegment => ({
  speaker,
  startMs: startS * 1000,
  endMs: endS * 1000,
  emotion: label,
});

describe('emotionTimeline', () => {
  const segments: EmotionSegment[] = [
    seg('S1', 0, 10, { label: 'neutral', score: 0.9 }),
    seg('S1', 20, 30, { label: 'angry', score: 0.7 }),
    seg('S1', 40, 50, { label: 'angry', score: 0.8 }),
    seg('S1', 70, 80, { label: 'happy', score: 0.9 }),
    seg('S1', 85, 95, { label: 'unknown', score: 0.3 }),
    seg('S2', 10, 20, { label: 'happy', score: 0.6 }),
    seg('S2', 60, 65, null),
  ];
  const [s1, s2] = emotionTimeline(segments, { binMs: 60_000 });

  it('aggregates per speaker and per bin, duration-weighted over confident segments', () => {
    expect(s1!.speaker).toBe('S1');
    expect(s1!.speechMs).toBe(50_000);
    expect(s1!.bins).toHaveLength(2);
    const first = s1!.bins[0]!;
    expect(first.signals.map((s) => [s.label, s.share, s.segments])).toEqual([
      ['angry', 2 / 3, 2],
      ['neutral', 1 / 3, 1],
    ]);
    expect(first.signals[0]!.meanScore).toBeCloseTo(0.75);
    expect(first.coverage).toBe(1);
  });

  it('surfaces a notable non-neutral signal only when it rests on enough segments', () => {
    expect(s1!.bins[0]!.notable).toBe('angry');
    // One happy segment is not a pattern.
    expect(s1!.bins[1]!.notable).toBeNull();
    expect(s2!.overall.notable).toBeNull();
  });

  it('counts unknown and untagged speech as speech without a signal, never as neutral', () => {
    const second = s1!.bins[1]!;
    expect(second.speechMs).toBe(20_000);
    expect(second.coverage).toBe(0.5);
    expect(second.signals.map((s) => s.label)).toEqual(['happy']);
    expect(s2!.overall.coverage).toBeCloseTo(10 / 15);
  });

  it('splits a segment across bins by time', () => {
    const [only] = emotionTimeline([seg('A', 50, 70, { label: 'sad', score: 0.9 })], { binMs: 60_000 });
    expect(only!.bins.map((b) => b.speechMs)).toEqual([10_000, 10_000]);
    expect(emotionTimeline([])).toEqual([]);
  });
});
