import { describe, expect, it } from 'vitest';
import {
  activeSpans,
  chunkStarts,
  decodePowerset,
  frameTime,
  powersetClasses,
  pyannoteConfigFromMetadata,
  PyannoteSegmenter,
} from '../../../main/engines/speaker';
import { pyannoteMetadata, pyannoteStubFile } from '../../fixtures/onnx';

const config = pyannoteConfigFromMetadata('seg.onnx', pyannoteMetadata());

describe('pyannote segmentation-3.0 decoding (MODELS.md §6.5)', () => {
  it('builds the powerset table of §6.5 from the metadata', () => {
    expect(config.powerset).toEqual([[], [0], [1], [2], [0, 1], [0, 2], [1, 2]]);
    expect(powersetClasses(2, 2)).toEqual([[], [0], [1], [0, 1]]);
    expect(() => pyannoteConfigFromMetadata('x.onnx', { ...pyannoteMetadata(), num_classes: '8' })).toThrow(
      /x\.onnx/,
    );
  });

  it('decodes the argmax class of each frame into active speakers', () => {
    const y = new Float32Array(4 * 7).fill(-10);
    [1, 4, 6, 0].forEach((c, f) => (y[f * 7 + c] = 0));
    expect(Array.from(decodePowerset(y, 4, config))).toEqual([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0]);
  });

  it('maps frames to time as sherpa does', () => {
    expect(frameTime(0, config)).toBeCloseTo((0.5 * 991) / 16000, 9);
    expect(frameTime(588, config)).toBeCloseTo((588 * 270 + 495.5) / 16000, 9);
  });

  it('fills short gaps, drops short spans, and can keep only solo speech', () => {
    const frames = 200;
    const act = new Uint8Array(frames * 3);
    const set = (s: number, a: number, b: number) => {
      for (let f = a; f < b; f++) act[f * 3 + s] = 1;
    };
    set(0, 0, 60); // ~1 s
    set(0, 70, 120); // gap of 10 frames (~170 ms): filled
    set(0, 150, 160); // ~170 ms: dropped
    set(1, 100, 130);
    const spans = activeSpans(act, frames, 0, config);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.startMs).toBeCloseTo(frameTime(0, config) * 1000);
    expect(spans[0]!.endMs).toBeCloseTo((frameTime(119, config) + 270 / 16000) * 1000);
    const solo = activeSpans(act, frames, 0, config, { alone: true, minOffMs: 0 });
    expect(solo.map((s) => Math.round(s.endMs))).toEqual([
      Math.round((frameTime(59, config) + 270 / 16000) * 1000),
      Math.round((frameTime(99, config) + 270 / 16000) * 1000),
    ]);
  });

  it('slides 10 s windows by 1 s and covers the end', () => {
    expect(chunkStarts(50_000, 160_000)).toEqual([0]);
    expect(chunkStarts(192_000, 160_000)).toEqual([0, 16_000, 32_000]);
  });

  it('runs the stub model and finds who speaks when', async () => {
    const seg = await PyannoteSegmenter.load(pyannoteStubFile());
    // Paint classes (value c/10): s0 for 0-3 s, s1 for 3-7 s, s0+s1 for 7-8 s, silence to 12 s.
    const audio = new Float32Array(12 * 16000);
    const paint = (c: number, a: number, b: number) => audio.fill(c / 10, a * 16000, b * 16000);
    paint(1, 0, 3);
    paint(2, 3, 7);
    paint(4, 7, 8);
    const chunks = await seg.segment(audio);
    await seg.dispose();
    expect(chunks.map((c) => c.offsetSamples)).toEqual([0, 16000, 32000]);
    const first = chunks[0]!;
    expect(first.frames).toBe(589);
    const s0 = activeSpans(first.activity, first.frames, 0, seg.config, { minOffMs: 0 });
    // At the s1 -> s0+s1 edge one frame averages to class 3 ({s2}): the default gap filling absorbs it.
    const s1 = activeSpans(first.activity, first.frames, 1, seg.config);
    const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(60);
    near(s0[0]!.endMs, 3000);
    near(s0[1]!.startMs, 7000);
    near(s1[0]!.startMs, 3000);
    near(s1[0]!.endMs, 8000);
    expect(activeSpans(first.activity, first.frames, 2, seg.config)).toEqual([]);
  });
});
