import { describe, expect, it } from 'vitest';
import type {
  AsrHypothesis,
  AsrWord,
  RecognizerStream,
  StreamingRecognizer,
} from '../../../main/engines/asr/types';
import { ChannelProcessor, type ClosedSegment } from '../../../main/pipeline/channel';
import { energyVad } from '../../integration/pipeline/fakes';

const SR = 16000;

/** Keeps every accepted sample; one word per 100 ms block (on one grid) named by its first sample's value. */
class RecordingStream implements RecognizerStream {
  accepted: number[] = [];
  private words: AsrWord[] = [];
  private segStart = 0;
  async acceptWaveform(samples: Float32Array): Promise<void> {
    this.accepted.push(...samples);
  }
  partial(): AsrHypothesis {
    return { text: '', words: [] };
  }
  async finalize(): Promise<AsrHypothesis> {
    const words: AsrWord[] = [];
    for (let b = this.segStart; b < this.accepted.length; b += 1600) {
      const v = this.accepted[b]!;
      if (Math.abs(v) > 0.01) {
        words.push({
          text: v.toFixed(4),
          startMs: (b * 1000) / SR,
          endMs: ((b + 1600) * 1000) / SR,
          confidence: 1,
        });
      }
    }
    // Blocks stay on one grid across finalize (the tail block is flushed, as real engines pad it).
    this.segStart = Math.ceil(this.accepted.length / 1600) * 1600;
    this.words = words;
    return { text: words.map((w) => w.text).join(' '), words };
  }
  reset(): void {}
}

function channel(stream: RecordingStream, endpoint = {}) {
  const closed: ClosedSegment[] = [];
  const recognizer = { modelId: 'rec', chunkSamples: 3200 } as StreamingRecognizer;
  const ch = new ChannelProcessor(
    'system',
    energyVad().createStream(),
    recognizer,
    stream,
    endpoint,
    {
      now: () => 0,
      wantPartial: () => true,
      lagging: () => false,
      onPartial: () => {},
      onClosed: async (s) => void closed.push(s),
    },
    't-',
  );
  return { ch, closed };
}

/** Speech-level audio whose every 100 ms block starts with a distinct value (so blocks can be identified). */
function marked(seconds: number, silenceS: number): Float32Array {
  const out = new Float32Array(Math.round((seconds + 2 * silenceS) * SR));
  const from = Math.round(silenceS * SR);
  for (let i = from; i < from + seconds * SR; i++) out[i] = 0.2 + 0.0001 * Math.floor((i - from) / 1600);
  return out;
}

async function feedFrames(ch: ChannelProcessor, audio: Float32Array, t0 = 0): Promise<void> {
  for (let k = 0; (k + 1) * 320 <= audio.length; k++)
    await ch.process(t0 + k * 20, audio.subarray(k * 320, (k + 1) * 320));
}

describe('ChannelProcessor', () => {
  it('feeds the recognizer contiguous audio (no samples invented or lost) and maps words to capture time', async () => {
    const stream = new RecordingStream();
    const { ch, closed } = channel(stream);
    const audio = marked(2, 1);
    await feedFrames(ch, audio, 5000);
    await ch.flush();
    expect(closed).toHaveLength(1);
    const seg = closed[0]!;
    const at = Math.round(((seg.startMs - 5000) * SR) / 1000);
    // What the recognizer got is exactly the signal from the segment start on.
    expect(Float32Array.from(stream.accepted.slice(0, 2 * SR))).toEqual(audio.subarray(at, at + 2 * SR));
    expect(seg.audio).toEqual(audio.subarray(at, at + seg.audio.length));
    // Speech starts at 1.0 s after t0 = 5 s; padded back 150 ms.
    expect(seg.startMs).toBeCloseTo(5000 + 1000 - 150, -1.5);
    // Words carry capture times: the first block's word starts where its block really is.
    expect(seg.hypothesis.words[0]).toMatchObject({ text: '0.2000' });
    const w10 = seg.hypothesis.words.find((w) => w.text === '0.2010')!;
    // Block 10 of the speech starts at 7000 ms; the word starts where the recognizer's block began, inside it.
    expect(w10.startMs).toBeGreaterThanOrEqual(7000);
    expect(w10.startMs).toBeLessThan(7100);
  });

  it('fills a real capture-time gap with silence so later times stay true', async () => {
    const stream = new RecordingStream();
    const { ch, closed } = channel(stream);
    const audio = marked(1, 0.5);
    const half = Math.floor(audio.length / 640) * 320;
    await feedFrames(ch, audio.subarray(0, half));
    // 200 ms of frames missing, then the rest.
    await feedFrames(ch, audio.subarray(half), (half * 1000) / SR + 200);
    await ch.flush();
    expect(ch.clockMs).toBeCloseTo(((audio.length - (audio.length % 320)) * 1000) / SR + 200, 0);
    expect(stream.accepted.filter((v) => v === 0).length).toBeGreaterThanOrEqual(3200);
    expect(closed).toHaveLength(1);
  });

  it('max length: pieces are at most maxSegmentMs, every word lands in exactly one piece', async () => {
    const stream = new RecordingStream();
    const { ch, closed } = channel(stream, { maxSegmentMs: 4000, splitSearchMs: 1500 });
    const audio = marked(10, 0.5);
    await feedFrames(ch, audio);
    await ch.flush();
    expect(closed.length).toBeGreaterThanOrEqual(3);
    expect(closed.slice(0, -1).every((s) => s.reason === 'max-length')).toBe(true);
    for (const s of closed) expect(s.endMs - s.startMs).toBeLessThanOrEqual(4000 + 1);
    for (let i = 1; i < closed.length; i++) expect(closed[i]!.startMs).toBe(closed[i - 1]!.endMs);
    const words = closed.flatMap((s) => s.hypothesis.words.map((w) => w.text));
    expect(new Set(words).size).toBe(words.length);
    expect(words).toHaveLength(100); // 10 s = 100 blocks, none lost
    for (const s of closed) {
      for (const w of s.hypothesis.words) {
        const mid = (w.startMs + w.endMs) / 2;
        expect(mid).toBeGreaterThanOrEqual(s.startMs);
        expect(mid).toBeLessThanOrEqual(s.endMs);
      }
    }
  });
});
