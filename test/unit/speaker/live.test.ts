import { describe, expect, it } from 'vitest';
import { attributeSegment, OnlineDiarizer, type SpeakerEmbedder } from '../../../main/engines/speaker';
import { around, rng } from './synthetic';

/** A fake model: the voice is the sign of the audio's DC level; silence and short audio give null. */
function fakeEmbedder(): SpeakerEmbedder & { calls: number[] } {
  const rand = rng(1);
  const calls: number[] = [];
  return {
    modelId: 'fake',
    dim: 16,
    calls,
    async embed(samples) {
      calls.push(samples.length);
      if (samples.length < 1600) return null;
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      return around(mean > 0 ? 0 : 1, 0.1, rand);
    },
  };
}

const audio = (seconds: number, level: number) => new Float32Array(Math.round(seconds * 16000)).fill(level);

describe('attributeSegment', () => {
  it('embeds each ~1.5 s window of a segment and returns the majority speaker', async () => {
    const d = new OnlineDiarizer();
    const e = fakeEmbedder();
    const first = await attributeSegment(d, e, { id: 'a', startMs: 0, endMs: 2000, samples: audio(2, 0.1) });
    expect(first).toMatchObject({ segmentId: 'a', speaker: 'S1', provisional: false });
    expect(first.windows).toHaveLength(1);
    // 4.5 s: three windows; the last 1.5 s is another voice, the majority stays S1.
    const samples = audio(4.5, 0.1);
    samples.fill(-0.1, 3 * 16000);
    const second = await attributeSegment(d, e, { id: 'b', startMs: 5000, endMs: 9500, samples });
    expect(second.windows.map((w) => w.speaker)).toEqual(['S1', 'S1', 'S2']);
    expect(second.windows.map((w) => [w.startMs, w.endMs])).toEqual([
      [5000, 6500],
      [6500, 8000],
      [8000, 9500],
    ]);
    expect(e.calls.slice(1)).toEqual([24000, 24000, 24000]);
    expect(second.speaker).toBe('S1');
  });

  it('marks a segment attributed only from context as provisional', async () => {
    const d = new OnlineDiarizer();
    const e = fakeEmbedder();
    await attributeSegment(d, e, { id: 'a', startMs: 0, endMs: 2000, samples: audio(2, 0.1) });
    const tiny = await attributeSegment(d, e, {
      id: 'b',
      startMs: 2100,
      endMs: 2150,
      samples: audio(0.05, -0.1),
    });
    expect(tiny).toMatchObject({ speaker: 'S1', provisional: true });
    expect(d.clusters()).toHaveLength(1);
  });
});
