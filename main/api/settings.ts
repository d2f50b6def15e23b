import { z } from 'zod';

/**
 * User settings owned by the backend. The fields are declared once without defaults; the full
 * schema adds defaults (so an old or partial file still loads, and unknown keys from a newer
 * version are dropped), while the patch schema must NOT apply them: in zod 4 a defaulted field
 * inside .partial() is still filled in, which would make a one-field update reset every other field.
 */
const fields = {
  theme: z.enum(['system', 'light', 'dark']),
  /** Caption/transcript font scale (accessibility), 0.75x to 2x. */
  fontScale: z.number().min(0.75).max(2),
  /** Spoken language hint for the recognizers; 'auto' lets the model detect it. */
  language: z.enum(['auto', 'en', 'zh', 'ja', 'ko', 'yue', 'de', 'fr', 'es', 'it', 'pt', 'nl']),
  /** Words whose confidence is below this are flagged for review (DESIGN.md "Confidence and review"). */
  confidenceThreshold: z.number().min(0).max(1),
  /** Reference-based echo cancellation of the microphone (off when the user wears headphones). */
  echoCancellation: z.boolean(),
  /** Display name of the local user; microphone segments are attributed to it. */
  localSpeakerName: z.string().trim().min(1).max(80),
  /** User vocabulary used for hotword biasing and the review queue. */
  vocabulary: z.array(z.string().trim().min(1).max(100)).max(5000),
};

const defaults = {
  theme: 'system',
  fontScale: 1,
  language: 'auto',
  confidenceThreshold: 0.9,
  echoCancellation: true,
  localSpeakerName: 'You',
  vocabulary: [],
} satisfies { [K in keyof typeof fields]: z.output<(typeof fields)[K]> };

export const SettingsSchema = z.object({
  theme: fields.theme.default(defaults.theme),
  fontScale: fields.fontScale.default(defaults.fontScale),
  language: fields.language.default(defaults.language),
  confidenceThreshold: fields.confidenceThreshold.default(defaults.confidenceThreshold),
  echoCancellation: fields.echoCancellation.default(defaults.echoCancellation),
  localSpeakerName: fields.localSpeakerName.default(defaults.localSpeakerName),
  vocabulary: fields.vocabulary.default(defaults.vocabulary),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** A partial update: any subset of fields, each validated like the full schema, no unknown keys, no defaults. */
export const SettingsPatchSchema = z.object(fields).partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
