import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asProbabilities,
  EMOTION2VEC_LABELS,
  OnnxEmotionEngine,
  pickEmotion,
} from '../../../main/engines/emotion';
import { stubRoot } from '../../fixtures/onnx';
import { emotionStubFile, emotionStubWave } from '../../fixtures/onnx/emotion';

describe('OnnxEmotionEngine (emotion2vec-like, MODELS.md §7)', () => {
  it('classifies with labels read from the model metadata', async () => {
    const engine = await OnnxEmotionEngine.load(emotionStubFile());
    try {
      expect(engine.labels).toEqual([
        'angry',
        'disgusted',
        'fearful',
        'happy',
        'neutral',
        'unknown',
        'sad',
        'surprised',
        'unknown',
      ]);
      expect(await engine.classify(emotionStubWave(0))).toMatchObject({ label: 'angry', source: 'model' });
      expect(await engine.classify(emotionStubWave(3))).toMatchObject({ label: 'happy' });
      const sad = await engine.classify(emotionStubWave(6));
      expect(sad.label).toBe('sad');
      expect(sad.score).toBeGreaterThan(0.9);
    } finally {
      await engine.dispose();
    }
  });

  it('uses a caller-given label list when the file has none, and soft-maxes logit outputs', async () => {
    const engine = await OnnxEmotionEngine.load(emotionStubFile({ withLabels: false, logits: true }), {
      labels: [
        'a/angry',
        'b/disgusted',
        'c/fearful',
        'd/happy',
        'e/neutral',
        'f/other',
        'g/sad',
        'h/surprised',
        'i/unk',
      ],
    });
    expect(await engine.classify(emotionStubWave(7))).toMatchObject({ label: 'surprised' });
    await engine.dispose();
    const defaults = await OnnxEmotionEngine.load(emotionStubFile({ withLabels: false }));
    expect(defaults.rawLabels).toEqual(EMOTION2VEC_LABELS);
    await defaults.dispose();
  });

  it('returns unknown for an uncertain segment and for one too short to judge', async () => {
    const engine = await OnnxEmotionEngine.load(emotionStubFile({ sharpness: 0.3 }));
    const r = await engine.classify(emotionStubWave(3));
    expect(r.label).toBe('unknown');
    expect(r.rejected).toBe('happy');
    expect(r.score).toBeLessThan(0.5);
    expect(await engine.classify(new Float32Array(100))).toMatchObject({ label: 'unknown', score: 0 });
    await engine.dispose();
  });

  it('fails clearly for a missing or corrupt model, naming the file', async () => {
    const missing = join(stubRoot(), 'none', 'emotion.onnx');
    await expect(OnnxEmotionEngine.load(missing)).rejects.toThrow(missing);
    const bad = join(stubRoot(), 'bad-emotion.onnx');
    writeFileSync(bad, 'nope');
    await expect(OnnxEmotionEngine.load(bad)).rejects.toThrow(bad);
  });
});

describe('pickEmotion', () => {
  it('sums classes folding onto the same label before picking', () => {
    const labels = ['angry', 'unknown', 'unknown'] as const;
    expect(pickEmotion([0.4, 0.3, 0.3], labels, 0.5)).toMatchObject({
      label: 'unknown',
      score: expect.closeTo(0.6),
    });
    expect(pickEmotion([0.6, 0.2, 0.2], labels, 0.5)).toMatchObject({ label: 'angry' });
  });

  it('passes probabilities through and soft-maxes logits', () => {
    expect(Array.from(asProbabilities([0.2, 0.8]))).toEqual([0.2, 0.8]);
    const p = asProbabilities([2, 0, -1]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(p[0]).toBeGreaterThan(p[1]!);
  });
});
