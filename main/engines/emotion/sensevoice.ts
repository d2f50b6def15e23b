/**
 * SenseVoice's emotion token as an emotion source (MODELS.md §4.6, §7). The SenseVoice engine
 * (main/engines/asr/sensevoice) reports the emotion token it decoded as AsrHypothesis.emotion
 * `{label, score}`, `label` being the token text with or without its `<|…|>` wrapper and `score`
 * the token's probability. This maps it onto our labels and applies the low-score rule.
 *
 * Tokens: HAPPY, SAD, ANGRY, NEUTRAL (the four well-supported classes), EMO_UNKNOWN, and the rare
 * FEARFUL, DISGUSTED, SURPRISED (ids UNCONFIRMED, which is why tokens are matched by text only).
 */
import type { EmotionLabel, EmotionResult } from './types';
import { DEFAULT_MIN_EMOTION_SCORE, thresholdEmotion } from './types';

export const SENSEVOICE_EMOTION_TOKENS: Readonly<Record<string, EmotionLabel>> = Object.freeze({
  HAPPY: 'happy',
  SAD: 'sad',
  ANGRY: 'angry',
  NEUTRAL: 'neutral',
  EMO_UNKNOWN: 'unknown',
  FEARFUL: 'fearful',
  DISGUSTED: 'disgusted',
  SURPRISED: 'surprised',
});

/** `<|HAPPY|>`, `HAPPY`, ` happy ` → 'happy'; anything else (an event token, garbage) → null. */
export function senseVoiceEmotionLabel(token: string): EmotionLabel | null {
  const bare = token.trim().replace(/^<\|/, '').replace(/\|>$/, '').toUpperCase();
  return SENSEVOICE_EMOTION_TOKENS[bare] ?? null;
}

/**
 * Emotion of one SenseVoice hypothesis, or null when the hypothesis carries none (another engine
 * did the final pass) or an unrecognised token.
 */
export function emotionFromSenseVoice(
  emotion: { label: string; score: number } | undefined,
  minScore = DEFAULT_MIN_EMOTION_SCORE,
): EmotionResult | null {
  if (!emotion) return null;
  const label = senseVoiceEmotionLabel(emotion.label);
  if (!label) return null;
  return thresholdEmotion(label, emotion.score, 'sensevoice', minScore);
}
