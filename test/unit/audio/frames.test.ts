import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../../main/audio/frames';
import { AudioFrameSchema, FRAME_SAMPLES, Framer, GapDetector } from '../../../main/audio/frames';

const frame = (seq: number, channel: 'mic' | 'system' = 'mic') => ({ channel, seq });

describe('AudioFrameSchema', () => {
  const good = { channel: 'mic', seq: 0, t: 0, epochMs: 1, samples: new Float32Array(FRAME_SAMPLES) };
  it('accepts a 320-sample frame', () => {
    expect(AudioFrameSchema.safeParse(good).success).toBe(true);
  });
  it.each([
    ['wrong length', { ...good, samples: new Float32Array(319) }],
    ['not a Float32Array', { ...good, samples: Array.from({ length: FRAME_SAMPLES }, () => 0) }],
    ['a NaN sample', { ...good, samples: new Float32Array(FRAME_SAMPLES).fill(Number.NaN) }],
    ['an infinite sample', { ...good, samples: Float32Array.of(...new Array(319).fill(0), Infinity) }],
    ['unknown channel', { ...good, channel: 'left' }],
    ['negative seq', { ...good, seq: -1 }],
    ['fractional seq', { ...good, seq: 1.5 }],
  ])('rejects %s', (_, value) => {
    expect(AudioFrameSchema.safeParse(value).success).toBe(false);
  });
});

describe('GapDetector', () => {
  it('reports gaps and duplicates per channel with counts', () => {
    const d = new GapDetector();
    expect(d.push(frame(0))).toBeNull();
    expect(d.push(frame(0, 'system'))).toBeNull();
    expect(d.push(frame(1))).toBeNull();
    expect(d.push(frame(5))).toEqual({ kind: 'gap', channel: 'mic', seq: 2, count: 3 });
    expect(d.push(frame(3))).toEqual({ kind: 'duplicate', channel: 'mic', seq: 3, count: 1 });
    expect(d.push(frame(6))).toBeNull();
    expect(d.push(frame(1, 'system'))).toBeNull();
    expect(d.push(frame(3, 'system'))).toEqual({ kind: 'gap', channel: 'system', seq: 2, count: 1 });
    expect(d.report()).toEqual({
      mic: { received: 4, missing: 3, duplicates: 1, gaps: 1 },
      system: { received: 3, missing: 1, duplicates: 0, gaps: 1 },
    });
  });

  it('a stream not starting at 0 is a gap; resetTo allows a legitimate restart', () => {
    const d = new GapDetector();
    expect(d.push(frame(2))?.count).toBe(2);
    d.resetTo('mic', 100);
    expect(d.push(frame(100))).toBeNull();
  });
});

describe('Framer', () => {
  it('cuts any chunking into the same exact 20 ms frames with sample-clock timestamps', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }), (sizes) => {
        const total = sizes.reduce((a, b) => a + b, 0);
        const signal = Float32Array.from({ length: total }, (_, i) => Math.sin(i * 0.01));
        const framer = new Framer({ channel: 'system', epochMs: 1000, startT: 500 });
        const frames: AudioFrame[] = [];
        let at = 0;
        for (const n of sizes) {
          framer.push(signal.subarray(at, at + n), (f) => frames.push(f));
          at += n;
        }
        expect(frames.length).toBe(Math.floor(total / FRAME_SAMPLES));
        frames.forEach((f, i) => {
          expect(f.seq).toBe(i);
          expect(f.t).toBe(500 + i * 20);
          expect(f.channel).toBe('system');
          expect(f.epochMs).toBe(1000);
          expect(f.samples).toEqual(signal.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('flush pads the last partial frame with zeros, and frames do not share buffers', () => {
    const framer = new Framer({ channel: 'mic' });
    const frames: AudioFrame[] = [];
    framer.push(new Float32Array(400).fill(0.5), (f) => frames.push(f));
    framer.flush((f) => frames.push(f));
    expect(frames).toHaveLength(2);
    expect(frames[1]!.samples.subarray(0, 80).every((s) => s === 0.5)).toBe(true);
    expect(frames[1]!.samples.subarray(80).every((s) => s === 0)).toBe(true);
    expect(frames[0]!.samples[0]).toBe(0.5);
  });

  it('resync after a source restart jumps seq by the lost time so the gap is detectable', () => {
    const framer = new Framer({ channel: 'system', startT: 0 });
    const frames: AudioFrame[] = [];
    framer.push(new Float32Array(FRAME_SAMPLES * 10), (f) => frames.push(f)); // 0..199 ms
    framer.resync(1000); // restarted at 1 s: 800 ms lost
    framer.push(new Float32Array(FRAME_SAMPLES), (f) => frames.push(f));
    const d = new GapDetector();
    const events = frames.map((f) => d.push(f)).filter(Boolean);
    expect(frames.at(-1)).toMatchObject({ seq: 50, t: 1000 });
    expect(events).toEqual([{ kind: 'gap', channel: 'system', seq: 10, count: 40 }]);
  });
});
