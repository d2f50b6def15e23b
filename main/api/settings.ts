import { z } from 'zod';

/**
 * User settings owned by the backend. Every field has a default so an old or partial file
 * still loads; unknown keys from a newer version are dropped on load, not fatal.
 */
export const SettingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Caption/transcript font scale (accessibility), 0.75x to 2x. */
  fontScale: z.number().min(0.75).max(2).default(1),
  /** Spoken language hint for the recognizers; 'auto' lets the model detect it. */
  language: z.enum(['auto', 'en', 'zh', 'ja', 'ko', 'yue', 'de', 'fr', 'es', 'it', 'pt', 'nl']).default('auto'),
  /** Words whose confidence is below this are flagged for review (DESIGN.md "Confidence and review"). */
  confidenceThreshold: z.number().min(0).max(1).default(0.9),
  /** Reference-based echo cancellation of the microphone (off when the user wears headphones). */
  echoCancellation: z.boolean().default(true),
  /** Display name of the local user; microphone segments are attributed to it. */
  localSpeakerName: z.string().trim().min(1).max(80).default('You'),
  /** User vocabulary used for hotword biasing and the review queue. */
  vocabulary: z.array(z.string().trim().min(1).max(100)).max(5000).default([]),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** A partial update: any subset of fields, each validated like the full schema, no unknown keys. */
export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
