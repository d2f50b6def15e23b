/**
 * Emotion of one final segment, from whichever source is available (issue 7 §4, MODELS.md §7):
 * SenseVoice's token when the final pass was SenseVoice (free, recommended route), else a dedicated
 * emotion model when one is installed, else nothing (null: "no signal", stored as no emotion).
 */
import type { AsrHypothesis } from '../asr/types';
import { emotionFromSenseVoice } from './sensevoice';
import type { EmotionEngine, EmotionResult } from './types';
import { DEFAULT_MIN_EMOTION_SCORE } from './types';

export async function segmentEmotion(
  hypothesis: Pick<AsrHypothesis, 'emotion'> | undefined,
  samples: Float32Array | undefined,
  engine: EmotionEngine | undefined,
  minScore = DEFAULT_MIN_EMOTION_SCORE,
): Promise<EmotionResult | null> {
  const fromAsr = emotionFromSenseVoice(hypothesis?.emotion, minScore);
  if (fromAsr) return fromAsr;
  if (engine && samples) return engine.classify(samples);
  return null;
}
