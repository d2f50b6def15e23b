import { z } from 'zod';
import { IdSchema as Id, SpeakerSchema } from './archive';

/**
 * Speakers and emotion beyond renaming (issue 7): voiceprints (list, save, rename, forget), name
 * suggestions, merge and split, the per-speaker emotion timeline.
 *
 * Voiceprints are opt-in (settings.voiceprintsEnabled): with the setting off nothing is saved or
 * suggested. A voiceprint's embedding never crosses the contract: the renderer sees names only.
 * Suggestions are never applied by the backend; the user accepts one (speakers.acceptSuggestion).
 * Every change to a meeting is announced with archive.changed {reason: 'updated'}.
 */

export const VoiceprintSchema = z.object({
  id: Id,
  name: z.string(),
  /** Embedding model that made it: only speakers embedded by the same model can match it. */
  modelId: z.string(),
  createdAt: z.number(),
  /** Speakers (across meetings) linked to it. */
  speakerCount: z.number().int().min(0),
});
export type Voiceprint = z.infer<typeof VoiceprintSchema>;

export const ConfidenceTierSchema = z.enum(['sure', 'likely', 'unsure']);
export type ConfidenceTier = z.infer<typeof ConfidenceTierSchema>;

export const NameSuggestionSchema = z.object({
  speakerId: Id,
  voiceprintId: Id,
  name: z.string(),
  /** Cosine similarity of the speaker's centroid to the voiceprint. */
  similarity: z.number(),
  tier: ConfidenceTierSchema,
});
export type NameSuggestion = z.infer<typeof NameSuggestionSchema>;

/** main/engines/emotion EMOTION_LABELS (a test keeps them equal; the renderer cannot import engines). */
export const EmotionLabelSchema = z.enum([
  'angry',
  'disgusted',
  'fearful',
  'happy',
  'neutral',
  'sad',
  'surprised',
  'unknown',
]);
export type EmotionLabel = z.infer<typeof EmotionLabelSchema>;

export const EmotionSignalSchema = z.object({
  label: EmotionLabelSchema,
  /** Share of the confidently tagged speech in the span, in [0, 1]. */
  share: z.number(),
  segments: z.number().int(),
  meanScore: z.number(),
});
export type EmotionSignal = z.infer<typeof EmotionSignalSchema>;

export const EmotionBinSchema = z.object({
  startMs: z.number(),
  endMs: z.number(),
  speechMs: z.number(),
  /** Fraction of the speech that had a confident label; the rest is neutral/unknown. */
  coverage: z.number(),
  signals: z.array(EmotionSignalSchema),
  /** A non-neutral label worth pointing out, or null: a signal, not a verdict. */
  notable: EmotionLabelSchema.nullable(),
});
export type EmotionBin = z.infer<typeof EmotionBinSchema>;

export const SpeakerEmotionsSchema = z.object({
  speakerId: z.number().int().nullable(),
  speechMs: z.number(),
  overall: EmotionBinSchema,
  bins: z.array(EmotionBinSchema),
});
export type SpeakerEmotions = z.infer<typeof SpeakerEmotionsSchema>;

const Name = z.string().trim().min(1).max(80);

export const voiceMethods = {
  /** Saved voiceprints, and whether the feature is on. */
  'voiceprints.list': {
    params: z.object({}).strict(),
    result: z.object({ enabled: z.boolean(), voiceprints: z.array(VoiceprintSchema) }),
  },
  /**
   * Names a speaker and remembers its voice: the speaker's centroid becomes a voiceprint (or refines
   * the one it is linked to, or the one of that name from the same model), and the speaker is linked.
   * Refused (INVALID_PARAMS, details.reason 'voiceprints-disabled') while voiceprints are off.
   */
  'voiceprints.save': {
    params: z.object({ speakerId: Id, name: Name }).strict(),
    result: z.object({ voiceprint: VoiceprintSchema, speaker: SpeakerSchema }),
  },
  'voiceprints.rename': {
    params: z.object({ voiceprintId: Id, name: Name }).strict(),
    result: VoiceprintSchema,
  },
  /** Deletes the voiceprint from disk; linked speakers keep their names but lose the link and centroid. */
  'voiceprints.forget': {
    params: z.object({ voiceprintId: Id }).strict(),
    result: z.object({ voiceprintId: Id }),
  },
  /**
   * For each speaker of the meeting with a centroid and no name yet: the best voiceprint match, if
   * any is close enough. `savable`: speakers whose voice can be saved as a voiceprint.
   */
  'speakers.suggestions': {
    params: z.object({ meetingId: Id }).strict(),
    result: z.object({
      enabled: z.boolean(),
      suggestions: z.array(NameSuggestionSchema),
      savable: z.array(Id),
    }),
  },
  /** The user accepts a suggestion: the speaker takes the voiceprint's name and is linked to it. */
  'speakers.acceptSuggestion': {
    params: z.object({ speakerId: Id, voiceprintId: Id }).strict(),
    result: SpeakerSchema,
  },
  /** Every segment of `fromSpeakerId` moves to `intoSpeakerId`, which is returned; `from` is removed. */
  'speakers.merge': {
    params: z.object({ fromSpeakerId: Id, intoSpeakerId: Id }).strict(),
    result: SpeakerSchema,
  },
  /** Moves the given segments (all of one speaker) to a new speaker, returned. */
  'speakers.split': {
    params: z.object({ segmentIds: z.array(Id).min(1).max(10_000), label: Name.optional() }).strict(),
    result: SpeakerSchema,
  },
  /** Per-speaker emotion timeline: signals over time bins (default 60 s), never a verdict. */
  'meetings.emotions': {
    params: z
      .object({ meetingId: Id, binMs: z.number().int().min(5_000).max(3_600_000).optional() })
      .strict(),
    result: z.object({ binMs: z.number(), speakers: z.array(SpeakerEmotionsSchema) }),
  },
} as const;

export const voiceEvents = {
  /** The saved voiceprints changed (saved, renamed, forgotten); lists should re-read. */
  'voiceprints.changed': z.object({ voiceprintIds: z.array(Id) }),
} as const;
