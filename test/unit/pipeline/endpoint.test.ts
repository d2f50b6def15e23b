import { describe, expect, it } from 'vitest';
import { Endpointer, endsSentence, type EndpointEvent } from '../../../main/pipeline/endpoint';

const W = 512; // 32 ms at 16 kHz
const ms = (n: number): number => (n * 1000) / 16000;

/** Feeds windows given as [probability, count] runs; returns events with the window index they came at. */
function run(
  e: Endpointer,
  runs: Array<[number, number, number?]>,
  hypothesis = '',
): Array<EndpointEvent & { at: number }> {
  const out: Array<EndpointEvent & { at: number }> = [];
  let i = 0;
  for (const [p, count, energy] of runs) {
    for (let k = 0; k < count; k++, i++) {
      for (const ev of e.push({ probability: p, samples: W, energy: energy ?? p }, () => hypothesis)) {
        out.push({ ...ev, at: i });
      }
    }
  }
  return out;
}

describe('Endpointer', () => {
  it('opens after min speech (padded back) and closes after min silence at the silence start + pad', () => {
    const e = new Endpointer({ minSpeechMs: 250, minSilenceMs: 600, padMs: 150 });
    const events = run(e, [
      [0, 20],
      [0.9, 40],
      [0.05, 30],
    ]);
    expect(events.map((x) => x.type)).toEqual(['start', 'end']);
    expect(events[0]!.sample).toBe(20 * W - 2400);
    // ceil(250 / 32) = 8 windows of speech before the start is confirmed.
    expect(events[0]!.at).toBe(20 + 7);
    expect(events[1]).toMatchObject({ sample: 60 * W + 2400, reason: 'silence' });
    // Closed once silence reached 600 ms: 19 windows (608 ms).
    expect(events[1]!.at).toBe(60 + 18);
  });

  it('bridges a pause shorter than min silence, and drops a blip shorter than min speech', () => {
    const e = new Endpointer({ minSilenceMs: 600 });
    const events = run(e, [
      [0.9, 3], // 96 ms blip
      [0, 30],
      [0.9, 20],
      [0.1, 15], // 480 ms pause: bridged
      [0.9, 20],
      [0, 30],
    ]);
    expect(events.map((x) => x.type)).toEqual(['start', 'end']);
    expect(ms(events[1]!.sample - events[0]!.sample)).toBeGreaterThan(1800);
  });

  it('hysteresis: probabilities between the thresholds neither start nor end a silence', () => {
    const e = new Endpointer({ minSilenceMs: 300, semanticSilenceMs: 300 });
    const events = run(e, [
      [0.9, 10],
      [0.4, 50],
      [0, 20],
    ]);
    expect(events.filter((x) => x.type === 'end')).toHaveLength(1);
    expect(events.at(-1)!.sample).toBe(60 * W + 2400);
  });

  it('semantic hint: a hypothesis that ends a sentence closes after the shorter silence', () => {
    const runs: Array<[number, number]> = [
      [0.9, 20],
      [0, 30],
    ];
    const plain = run(new Endpointer(), runs, 'and then we');
    const sentence = run(new Endpointer(), runs, 'That is all.');
    const endPlain = plain.find((x) => x.type === 'end')!;
    const endSentence = sentence.find((x) => x.type === 'end')!;
    expect(endPlain).toMatchObject({ reason: 'silence', at: 20 + 18 });
    expect(endSentence).toMatchObject({ reason: 'semantic', at: 20 + 9 });
    expect(endSentence.sample).toBe(endPlain.sample); // same cut, decided sooner
  });

  it('max length splits at the quietest recent window and starts the next segment there', () => {
    const e = new Endpointer({ maxSegmentMs: 5000, splitSearchMs: 2000 });
    // 6 s of speech; one quiet window at ~4.0 s (index 125) inside the last 2 s before the cap.
    const runs: Array<[number, number, number?]> = [
      [0.9, 125, 0.5],
      [0.9, 1, 0.01],
      [0.9, 60, 0.5],
    ];
    const events = run(e, runs);
    const [start, end, next] = events;
    expect(start!.type).toBe('start');
    expect(end).toMatchObject({ type: 'end', reason: 'max-length' });
    expect(next).toMatchObject({ type: 'start', sample: end!.sample });
    expect(end!.sample).toBe(125 * W + W / 2);
    expect(ms(end!.sample - start!.sample)).toBeLessThanOrEqual(5000);
  });

  it('flush closes an open segment and keeps a pending candidate (the last word before stop)', () => {
    const a = new Endpointer();
    run(a, [[0.9, 30]]);
    expect(a.flush()).toEqual([{ type: 'end', sample: 30 * W, reason: 'flush' }]);
    const b = new Endpointer();
    run(b, [[0.9, 3]]); // 96 ms: still a candidate
    expect(b.flush().map((x) => x.type)).toEqual(['start', 'end']);
    const c = new Endpointer();
    run(c, [[0, 10]]);
    expect(c.flush()).toEqual([]);
  });

  it('rejects inconsistent config', () => {
    expect(() => new Endpointer({ semanticSilenceMs: 900, minSilenceMs: 600 })).toThrow(RangeError);
    expect(() => new Endpointer({ threshold: 0.3, negThreshold: 0.5 })).toThrow(RangeError);
  });

  it('endsSentence', () => {
    expect(endsSentence('Done.')).toBe(true);
    expect(endsSentence('Really?" ')).toBe(true);
    expect(endsSentence('and so')).toBe(false);
    expect(endsSentence('')).toBe(false);
  });
});
