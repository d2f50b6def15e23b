import { describe, expect, it } from 'vitest';
import { MEETING_VAD_DEFAULTS, VadSegmenter, defaultNegThreshold } from '../../../main/engines/vad';
import type { VadEvent, VadSegmenterOptions } from '../../../main/engines/vad';

const W = 512;
/** Windows for a duration (rounded up to whole windows). */
const win = (ms: number): number => Math.ceil((ms * 16) / W);

/** Builds a probability sequence from [probability, durationMs] runs. */
function seq(...runs: Array<[number, number]>): number[] {
  return runs.flatMap(([p, ms]) => Array<number>(win(ms)).fill(p));
}

const NO_PAD: Partial<VadSegmenterOptions> = { speechPadMs: 0 };

function run(probs: number[], options: Partial<VadSegmenterOptions> = {}, flush = true): VadEvent[] {
  const seg = new VadSegmenter(options);
  const events = probs.flatMap((p) => [...seg.push(p, W)]);
  if (flush) events.push(...seg.flush());
  return events;
}

/** Segments as [speechStart, speechEnd, reason] from an event list, checking start/end alternate. */
function segments(events: VadEvent[]): Array<[number, number, string]> {
  const out: Array<[number, number, string]> = [];
  let open: number | null = null;
  for (const e of events) {
    if (e.type === 'speech-start') {
      expect(open).toBeNull();
      open = e.speechSample;
    } else {
      expect(open).not.toBeNull();
      out.push([open!, e.speechSample, e.reason]);
      open = null;
    }
  }
  expect(open).toBeNull();
  return out;
}

describe('VadSegmenter', () => {
  it('uses the meeting defaults of MODELS.md §2.4 and the silero exit-threshold rule', () => {
    const seg = new VadSegmenter();
    expect(seg.options).toMatchObject({
      threshold: 0.5,
      negThreshold: 0.35,
      minSpeechMs: 250,
      minSilenceMs: 500,
    });
    expect(MEETING_VAD_DEFAULTS.speechPadMs).toBeGreaterThanOrEqual(100);
    expect(MEETING_VAD_DEFAULTS.speechPadMs).toBeLessThanOrEqual(200);
    expect(new VadSegmenter({ threshold: 0.3 }).options.negThreshold).toBeCloseTo(0.15);
    expect(new VadSegmenter({ threshold: 0.1 }).options.negThreshold).toBeCloseTo(0.01);
    expect(defaultNegThreshold(0.9)).toBeCloseTo(0.75);
    expect(new VadSegmenter({ threshold: 0.6, negThreshold: 0.2 }).options.negThreshold).toBe(0.2);
  });

  it('rejects inconsistent options', () => {
    expect(() => new VadSegmenter({ threshold: 1.2 })).toThrow(/threshold/);
    expect(() => new VadSegmenter({ threshold: 0.5, negThreshold: 0.6 })).toThrow(/negThreshold/);
    expect(() => new VadSegmenter({ minSilenceMs: -1 })).toThrow(/minSilenceMs/);
    expect(() => new VadSegmenter({ maxSpeechMs: 10_000, hardMaxSpeechMs: 5_000 })).toThrow(
      /hardMaxSpeechMs/,
    );
  });

  it('finds one segment at window-boundary sample times', () => {
    const events = run(seq([0.05, 1000], [0.95, 1500], [0.05, 1000]), NO_PAD, false);
    const start = win(1000) * W;
    const end = start + win(1500) * W;
    expect(segments(events)).toEqual([[start, end, 'silence']]);
    for (const e of events) expect(e.speechSample % W).toBe(0);
  });

  it('emits speech-start only once min speech is reached, so the event is never retracted', () => {
    const seg = new VadSegmenter({ ...NO_PAD, minSpeechMs: 250 });
    for (let i = 0; i < win(500); i++) expect(seg.push(0.05, W)).toEqual([]);
    const before = win(250) - 1;
    for (let i = 0; i < before; i++) expect(seg.push(0.95, W)).toEqual([]);
    expect(seg.inSpeech).toBe(false);
    const ev = seg.push(0.95, W);
    expect(ev).toEqual([{ type: 'speech-start', sample: win(500) * W, speechSample: win(500) * W }]);
    expect(seg.inSpeech).toBe(true);
  });

  it('drops blips shorter than min speech', () => {
    const probs = seq([0.05, 500], [0.95, 160], [0.05, 1000], [0.9, 64], [0.05, 1000]);
    expect(run(probs)).toEqual([]);
    // The same blip longer than min speech is kept.
    expect(segments(run(seq([0.05, 500], [0.95, 320], [0.05, 1000])))).toHaveLength(1);
  });

  it('bridges silences shorter than min silence and splits at longer ones', () => {
    const bridged = seq([0.05, 500], [0.9, 1000], [0.05, 400], [0.9, 1000], [0.05, 1000]);
    expect(segments(run(bridged, NO_PAD))).toHaveLength(1);
    const split = seq([0.05, 500], [0.9, 1000], [0.05, 600], [0.9, 1000], [0.05, 1000]);
    const segs = segments(run(split, NO_PAD));
    expect(segs).toHaveLength(2);
    // The first segment ends where the silence began, not where it was confirmed.
    expect(segs[0]![1]).toBe((win(500) + win(1000)) * W);
  });

  it('stays in speech while p is between the exit and the entry threshold (hysteresis)', () => {
    const probs = seq([0.05, 500], [0.9, 600], [0.4, 2000], [0.9, 300], [0.2, 1000]);
    const segs = segments(run(probs, NO_PAD));
    expect(segs).toEqual([[win(500) * W, (win(500) + win(600) + win(2000) + win(300)) * W, 'silence']]);
    // Below the exit threshold the same stretch ends the segment.
    expect(
      segments(run(seq([0.05, 500], [0.9, 600], [0.3, 2000], [0.9, 300], [0.2, 1000]), NO_PAD)),
    ).toHaveLength(2);
  });

  it('a p between thresholds neither starts nor cancels a pending silence', () => {
    // 0.2 (silence starts) then 0.4 (in between): the silence keeps counting and closes the segment.
    const probs = seq([0.05, 500], [0.9, 600], [0.2, 256], [0.4, 320], [0.05, 1000]);
    const segs = segments(run(probs, NO_PAD));
    expect(segs).toHaveLength(1);
    expect(segs[0]![1]).toBe((win(500) + win(600)) * W);
  });

  it('pads both ends, clamps the start to 0 and never overlaps the previous segment', () => {
    const pad = 200;
    const padSamples = 200 * 16;
    const events = run(seq([0.9, 1000], [0.05, 1000], [0.9, 1000], [0.05, 2000]), { speechPadMs: pad });
    const starts = events.filter((e) => e.type === 'speech-start');
    const ends = events.filter((e) => e.type === 'speech-end');
    expect(starts[0]).toMatchObject({ sample: 0, speechSample: 0 });
    expect(ends[0]!.sample).toBe(ends[0]!.speechSample + padSamples);
    expect(starts[1]!.sample).toBe(starts[1]!.speechSample - padSamples);
    expect(ends[1]).toMatchObject({ startSample: starts[1]!.sample });

    // A pad longer than half the gap: the second start is clamped to the first padded end.
    const tight = run(seq([0.9, 1000], [0.05, 600], [0.9, 1000], [0.05, 2000]), {
      speechPadMs: 500,
      minSilenceMs: 500,
    });
    const firstEnd = tight.find((e) => e.type === 'speech-end')!;
    const secondStart = tight.filter((e) => e.type === 'speech-start')[1]!;
    expect(secondStart.sample).toBe(firstEnd.sample);
    expect(secondStart.sample).toBeGreaterThan(secondStart.speechSample - 500 * 16);
  });

  it('never pads the end past the audio seen when the event is emitted', () => {
    const seg = new VadSegmenter({ speechPadMs: 1000, minSilenceMs: 200 });
    const events = seq([0.9, 1000], [0.05, 300]).flatMap((p) => [...seg.push(p, W)]);
    const end = events.find((e) => e.type === 'speech-end')!;
    expect(end.sample).toBeLessThanOrEqual(seg.position);
  });

  it('past the soft cap ends the segment at the next short dip (sherpa rule)', () => {
    const opts = { ...NO_PAD, maxSpeechMs: 3000, hardMaxSpeechMs: 60_000 };
    // A 200 ms dip to 0.6: inside the hysteresis band normally, but below the strict exit threshold 0.75.
    const early = seq([0.9, 1000], [0.6, 200], [0.9, 1000], [0.05, 1000]);
    expect(segments(run(early, opts))).toHaveLength(1);
    const late = seq([0.9, 4000], [0.6, 200], [0.9, 1000], [0.05, 1000]);
    const segs = segments(run(late, opts));
    expect(segs).toHaveLength(2);
    expect(segs[0]![1]).toBe(win(4000) * W);
    // The strict settings end with the segment: the next one is back to normal thresholds.
    const segsAfter = segments(
      run(seq([0.9, 4000], [0.6, 200], [0.9, 1000], [0.6, 300], [0.9, 500], [0.05, 1000]), opts),
    );
    expect(segsAfter).toHaveLength(2);
  });

  it('splits speech that never pauses at the hard cap, continuing without a gap', () => {
    const events = run(seq([0.95, 20_000]), { speechPadMs: 150, maxSpeechMs: 5000, hardMaxSpeechMs: 8000 });
    const segs = segments(events);
    expect(segs.length).toBe(3);
    const hard = Math.ceil((8000 * 16) / W) * W;
    expect(segs[0]).toEqual([0, hard, 'max-length']);
    expect(segs[1]).toEqual([hard, 2 * hard, 'max-length']);
    expect(segs[2]![2]).toBe('flush');
    // No padding across a cut: the next segment starts exactly where the last ended.
    const cut = events.find((e) => e.type === 'speech-end')!;
    const next = events.filter((e) => e.type === 'speech-start')[1]!;
    expect(cut.sample).toBe(hard);
    expect(next.sample).toBe(hard);
    for (const [s, e] of segs) expect(e - s).toBeLessThanOrEqual(hard);
  });

  it('flush closes an open segment at the end of the audio, or at a pending silence', () => {
    const seg = new VadSegmenter(NO_PAD);
    seq([0.05, 300], [0.9, 1000]).forEach((p) => seg.push(p, W));
    seg.push(0.9, 100); // a partial last window
    const total = (win(300) + win(1000)) * W + 100;
    expect(seg.flush()).toEqual([
      { type: 'speech-end', sample: total, speechSample: total, startSample: win(300) * W, reason: 'flush' },
    ]);
    expect(seg.flush()).toEqual([]);

    const pending = new VadSegmenter(NO_PAD);
    seq([0.9, 1000], [0.05, 200]).forEach((p) => pending.push(p, W));
    expect(pending.flush()).toMatchObject([
      { type: 'speech-end', speechSample: win(1000) * W, reason: 'flush' },
    ]);
  });

  it('flush drops a candidate that never reached min speech', () => {
    const short = new VadSegmenter({ ...NO_PAD, minSpeechMs: 250 });
    expect(short.push(0.9, W)).toEqual([]);
    expect(short.flush()).toEqual([]);
    const long = new VadSegmenter({ ...NO_PAD, minSpeechMs: 250 });
    const out = seq([0.9, 400]).flatMap((p) => [...long.push(p, W)]);
    expect(out.map((e) => e.type)).toEqual(['speech-start']);
    expect(long.flush().map((e) => e.type)).toEqual(['speech-end']);
  });

  it('reset restarts sample times at 0', () => {
    const seg = new VadSegmenter(NO_PAD);
    seq([0.05, 2000], [0.9, 500]).forEach((p) => seg.push(p, W));
    seg.reset();
    expect(seg.inSpeech).toBe(false);
    expect(seg.position).toBe(0);
    const ev = seq([0.9, 500]).flatMap((p) => [...seg.push(p, W)]);
    expect(ev[0]).toMatchObject({ type: 'speech-start', speechSample: 0 });
  });
});
