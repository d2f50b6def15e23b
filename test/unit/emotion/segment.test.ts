import { describe, expect, it } from 'vitest';
import { segmentEmotion, type EmotionEngine } from '../../../main/engines/emotion';

const engine = (calls: number[]): EmotionEngine => ({
  modelId: 'fake',
  async classify(samples) {
    calls.push(samples.length);
    return { label: 'happy', score: 0.9, source: 'model' };
  },
  dispose: async () => undefined,
});

describe('segmentEmotion', () => {
  it('prefers the SenseVoice token and never runs the model then', async () => {
    const calls: number[] = [];
    const r = await segmentEmotion(
      { emotion: { label: '<|SAD|>', score: 0.8 } },
      new Float32Array(10),
      engine(calls),
    );
    expect(r).toMatchObject({ label: 'sad', source: 'sensevoice' });
    expect(calls).toEqual([]);
  });

  it('falls back to the emotion model, else reports no signal', async () => {
    const calls: number[] = [];
    expect(await segmentEmotion({}, new Float32Array(10), engine(calls))).toMatchObject({
      label: 'happy',
      source: 'model',
    });
    expect(calls).toEqual([10]);
    expect(await segmentEmotion(undefined, new Float32Array(10), undefined)).toBeNull();
    expect(
      await segmentEmotion({ emotion: { label: '<|Laughter|>', score: 1 } }, undefined, engine(calls)),
    ).toBeNull();
  });
});
