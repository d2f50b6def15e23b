import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MIN_EMOTION_SCORE,
  emotionFromSenseVoice,
  normalizeEmotionName,
  senseVoiceEmotionLabel,
} from '../../../main/engines/emotion';

describe('SenseVoice emotion tokens (MODELS.md §4.6, §7)', () => {
  it('maps every emotion token, wrapped or bare, to our labels', () => {
    const table: [string, string][] = [
      ['<|HAPPY|>', 'happy'],
      ['<|SAD|>', 'sad'],
      ['<|ANGRY|>', 'angry'],
      ['<|NEUTRAL|>', 'neutral'],
      ['<|EMO_UNKNOWN|>', 'unknown'],
      ['<|FEARFUL|>', 'fearful'],
      ['<|DISGUSTED|>', 'disgusted'],
      ['<|SURPRISED|>', 'surprised'],
      ['HAPPY', 'happy'],
      [' angry ', 'angry'],
    ];
    for (const [token, label] of table) expect(senseVoiceEmotionLabel(token), token).toBe(label);
  });

  it('ignores non-emotion tokens', () => {
    for (const token of ['<|Laughter|>', '<|en|>', '<|withitn|>', '', 'JOY'])
      expect(senseVoiceEmotionLabel(token)).toBeNull();
    expect(emotionFromSenseVoice(undefined)).toBeNull();
    expect(emotionFromSenseVoice({ label: '<|BGM|>', score: 0.9 })).toBeNull();
  });

  it('keeps confident labels with their score', () => {
    expect(emotionFromSenseVoice({ label: '<|ANGRY|>', score: 0.83 })).toEqual({
      label: 'angry',
      score: 0.83,
      source: 'sensevoice',
    });
  });

  it('turns a low-score emotion into unknown instead of guessing, keeping what was rejected', () => {
    const r = emotionFromSenseVoice({ label: '<|SAD|>', score: DEFAULT_MIN_EMOTION_SCORE - 0.01 });
    expect(r).toMatchObject({ label: 'unknown', rejected: 'sad', source: 'sensevoice' });
    expect(emotionFromSenseVoice({ label: '<|SAD|>', score: 0.3 }, 0.25)?.label).toBe('sad');
    // Garbage scores are clamped, never trusted.
    expect(emotionFromSenseVoice({ label: '<|HAPPY|>', score: Number.NaN })?.label).toBe('unknown');
    expect(emotionFromSenseVoice({ label: '<|HAPPY|>', score: 7 })?.score).toBe(1);
  });
});

describe('normalizeEmotionName', () => {
  it('folds model class names onto our labels', () => {
    expect(normalizeEmotionName('生气/angry')).toBe('angry');
    expect(normalizeEmotionName('Happy')).toBe('happy');
    expect(normalizeEmotionName('其他/other')).toBe('unknown');
    expect(normalizeEmotionName('<unk>')).toBe('unknown');
    expect(normalizeEmotionName('surprise')).toBe('surprised');
    expect(normalizeEmotionName('bored')).toBe('unknown');
  });
});
