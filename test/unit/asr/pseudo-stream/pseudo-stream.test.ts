import { describe, expect, it } from 'vitest';
import { PseudoStreamingRecognizer, tailStart } from '../../../../main/engines/asr/pseudo-stream';
import type { PseudoStream } from '../../../../main/engines/asr/pseudo-stream';
import type { AsrHypothesis, AsrWord, OfflineRecognizer } from '../../../../main/engines/asr/types';

const SR = 16000;
const words = (text: string, stepMs = 300): AsrWord[] =>
  text
    .split(' ')
    .filter(Boolean)
    .map((t, i) => ({ text: t, startMs: i * stepMs, endMs: i * stepMs + 250, confidence: 0.9 }));

/** Returns scripted hypotheses, one per decode call (the last one repeats). */
class ScriptedRecognizer implements OfflineRecognizer {
  readonly modelId = 'scripted';
  readonly lengths: number[] = [];
  constructor(
    private readonly script: string[],
    readonly maxSamples = 30 * SR,
  ) {}
  async decode(samples: Float32Array): Promise<AsrHypothesis> {
    this.lengths.push(samples.length);
    const text = this.script[Math.min(this.lengths.length - 1, this.script.length - 1)]!;
    return { text, words: words(text), language: 'en' };
  }
  async dispose(): Promise<void> {}
}

/**
 * A perfect recognizer over a toy signal: a run of samples holding the value v > 0 is the word `w<v>`
 * spanning the run; 0 is silence. A run still open at the window's end is not heard yet. It refuses
 * windows longer than maxSamples. The word's end is reported `endEarlyMs` before its audio ends, as
 * CTC models do (their word ends at the last spike), and its start `startShiftMs` off (estimated times).
 */
class BlockRecognizer implements OfflineRecognizer {
  readonly modelId = 'blocks';
  readonly lengths: number[] = [];
  constructor(
    readonly maxSamples: number,
    private readonly endEarlyMs = 0,
    private readonly startShiftMs = 0,
  ) {}
  async decode(samples: Float32Array): Promise<AsrHypothesis> {
    if (samples.length > this.maxSamples) throw new RangeError('window too long');
    this.lengths.push(samples.length);
    const out: AsrWord[] = [];
    let start = 0;
    for (let i = 1; i <= samples.length; i++) {
      if (i < samples.length && samples[i] === samples[start]) continue;
      const v = samples[start]!;
      if (v > 0 && i < samples.length) {
        const startMs = Math.max(0, (start / SR) * 1000 + this.startShiftMs);
        const endMs = (i / SR) * 1000 - this.endEarlyMs;
        out.push({ text: `w${v}`, startMs, endMs, confidence: 1 });
      }
      start = i;
    }
    return { text: out.map((w) => w.text).join(' '), words: out };
  }
  async dispose(): Promise<void> {}
}

const blocks = (values: number[]) => {
  const a = new Float32Array(values.length * (SR / 2));
  values.forEach((v, i) => a.fill(v, i * (SR / 2), (i + 1) * (SR / 2)));
  return a;
};
const second = () => new Float32Array(SR);

/** Feeds `chunks` and checks after each that committed words never change. */
async function feed(stream: PseudoStream, chunks: Float32Array[]): Promise<string[]> {
  const partials: string[] = [];
  let committed: AsrWord[] = [];
  for (const chunk of chunks) {
    await stream.acceptWaveform(chunk);
    const p = stream.partial();
    expect(stream.committedCount).toBeGreaterThanOrEqual(committed.length);
    expect(p.words.slice(0, committed.length)).toEqual(committed);
    committed = p.words.slice(0, stream.committedCount);
    partials.push(p.text);
  }
  return partials;
}

describe('pseudo-streaming with LocalAgreement-2', () => {
  it('commits what two consecutive decodes agree on; partial = committed + latest tail', async () => {
    const offline = new ScriptedRecognizer([
      'the cat',
      'the cat sat on',
      'the cat sat in the',
      'the cat sat in the hat',
      'the cat sat in the hat.',
    ]);
    const stream = new PseudoStreamingRecognizer(offline, { intervalMs: 1000 }).createStream();
    const counts: number[] = [];
    const partials: string[] = [];
    for (let i = 0; i < 4; i++) {
      partials.push(...(await feed(stream, [second()])));
      counts.push(stream.committedCount);
    }
    expect(partials).toEqual(['the cat', 'the cat sat on', 'the cat sat in the', 'the cat sat in the hat']);
    expect(counts).toEqual([0, 2, 3, 5]);
    const final = await stream.finalize();
    expect(final.text).toBe('the cat sat in the hat.'); // the last word is never lost
    expect(final.language).toBe('en');
    expect(offline.lengths).toEqual([SR, 2 * SR, 3 * SR, 4 * SR, 4 * SR]);
  });

  it('keeps a committed word when a later decode changes it, and shows a changing tail uncommitted', async () => {
    const offline = new ScriptedRecognizer([
      'I scream',
      'ice cream is', // disagrees with "I scream": nothing committed
      'ice cream is cold', // agrees on "ice cream is"
      'nice cream is cold today', // rewrites a committed word: ignored, tail = "cold today"
      'nice cream is cold today',
    ]);
    const stream = new PseudoStreamingRecognizer(offline).createStream();
    const partials = await feed(stream, [second(), second(), second(), second()]);
    expect(partials).toEqual(['I scream', 'ice cream is', 'ice cream is cold', 'ice cream is cold today']);
    expect(stream.committedCount).toBe(4);
    expect((await stream.finalize()).text).toBe('ice cream is cold today');
  });

  it('decodes once per call when audio arrives faster than the interval (skips partials, not audio)', async () => {
    const offline = new ScriptedRecognizer(['a b']);
    const stream = new PseudoStreamingRecognizer(offline, { intervalMs: 500 }).createStream();
    await stream.acceptWaveform(new Float32Array(3 * SR));
    await stream.acceptWaveform(new Float32Array(SR / 4));
    expect(offline.lengths).toEqual([3 * SR]);
  });

  it.each([
    [0, 0],
    [200, 0],
    [0, 200],
    [0, -200],
  ])(
    'cuts a window longer than maxSamples, losing and repeating nothing (ends %i ms early, starts %i ms off)',
    async (early, shift) => {
      const offline = new BlockRecognizer(3 * SR, early, shift);
      const stream = new PseudoStreamingRecognizer(offline, { intervalMs: 500 }).createStream();
      const values = [1, 2, 0, 3, 4, 5, 0, 0, 6, 7, 8, 9, 10, 0, 11, 12, 13, 14, 0, 15, 0]; // ends in silence: a run open at the end is unheard
      const audio = blocks(values);
      const chunks: Float32Array[] = [];
      for (let i = 0; i < audio.length; i += SR / 4) chunks.push(audio.subarray(i, i + SR / 4));
      await feed(stream, chunks);
      expect(Math.max(...offline.lengths)).toBeLessThanOrEqual(3 * SR);
      const final = await stream.finalize();
      const expected = values.filter((v) => v > 0).map((v) => `w${v}`);
      expect(final.words.map((w) => w.text)).toEqual(expected);
      // Times are stream times (since reset), across cuts.
      // The model's times, made monotone where a start runs into the previous word's end.
      let prevEnd = 0;
      const starts = values.flatMap((v, i) => {
        if (v === 0) return [];
        const start = Math.max(i * 500 + shift, 0, prevEnd);
        prevEnd = Math.max(i * 500 + 500 - early, start);
        return [start];
      });
      expect(final.words.map((w) => w.startMs)).toEqual(starts);
    },
  );

  it('forces progress when nothing was committed and the window is full', async () => {
    // Never agrees with itself: every decode differs, so LocalAgreement never commits.
    let n = 0;
    const offline: OfflineRecognizer = {
      modelId: 'fickle',
      maxSamples: 2 * SR,
      async decode(samples) {
        if (samples.length > 2 * SR) throw new RangeError('window too long');
        n++;
        return { text: `x${n} y${n}`, words: words(`x${n} y${n}`) };
      },
      async dispose() {},
    };
    const stream = new PseudoStreamingRecognizer(offline, { intervalMs: 500 }).createStream();
    for (let i = 0; i < 12; i++) await stream.acceptWaveform(new Float32Array(SR / 2));
    expect(stream.committedCount).toBeGreaterThan(0);
    const final = await stream.finalize();
    expect(final.words.length).toBeGreaterThan(stream.committedCount);
  });

  it('starts the next segment where the last one ended, and reset() starts from zero', async () => {
    const offline = new ScriptedRecognizer(['one two']);
    const rec = new PseudoStreamingRecognizer(offline, { intervalMs: 1000 });
    const stream = rec.createStream();
    await stream.acceptWaveform(new Float32Array(2 * SR));
    const first = await stream.finalize();
    expect(first.words.map((w) => w.startMs)).toEqual([0, 300]);
    expect(stream.partial()).toEqual({ text: '', words: [] });
    await stream.acceptWaveform(new Float32Array(SR));
    const second = await stream.finalize();
    expect(second.words.map((w) => w.startMs)).toEqual([2000, 2300]);
    stream.reset();
    await stream.acceptWaveform(new Float32Array(SR));
    expect((await stream.finalize()).words.map((w) => w.startMs)).toEqual([0, 300]);
    expect(await stream.finalize()).toEqual({ text: '', words: [] });
    expect(rec.chunkSamples).toBe(SR);
  });
});

describe('tailStart (aligning committed words to a fresh decode)', () => {
  const w = (text: string) => words(text);
  it('skips the committed words, tolerating a changed, merged or dropped word', () => {
    expect(tailStart(['the', 'cat'], w('the cat sat'))).toBe(2);
    expect(tailStart(['the', 'cat'], w('The cat, sat'))).toBe(2);
    expect(tailStart(['the', 'cat'], w('the bat sat'))).toBe(2);
    expect(tailStart(['ice', 'cream', 'is'], w('icecream is cold'))).toBe(2);
    expect(tailStart(['a', 'b', 'c'], w('a b d e'))).toBe(3);
    expect(tailStart([], w('a b'))).toBe(0);
  });

  it('breaks ties by time: a word starting after the committed audio ended is new', () => {
    const late = [{ text: 'w11', startMs: 7000, endMs: 7400, confidence: 1 }];
    expect(tailStart(['w10'], late)).toBe(1); // by text alone: "w10 was re-heard as w11"
    expect(tailStart(['w10'], late, 6500)).toBe(0); // it starts after w10 ended: new
    const fragment = [{ text: 'w9', startMs: 5800, endMs: 5900, confidence: 1 }, ...late];
    expect(tailStart(['w10'], [fragment[0]!, { ...late[0]!, text: 'w10', startMs: 6000 }], 6500)).toBe(2);
  });
});
