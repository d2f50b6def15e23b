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
  /** Microphone chosen by the user (a Chromium deviceId); null follows the system default. */
  micDeviceId: z.string().max(512).nullable(),
  /** Record the system audio (the remote side of the call) next to the microphone. */
  captureSystemAudio: z.boolean(),
  /** Stop a recording after this much silence on both channels (issue 4 item 8). */
  autoStopMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Opt-in: keep voiceprints of named speakers and suggest their names in later meetings (issue 7). */
  voiceprintsEnabled: z.boolean(),
  /** Show the small always-on-top captions window while recording (issue 9 item 2). */
  captionsWindow: z.boolean(),
};

const defaults = {
  theme: 'system',
  fontScale: 1,
  language: 'auto',
  confidenceThreshold: 0.9,
  echoCancellation: true,
  localSpeakerName: 'You',
  vocabulary: [],
  micDeviceId: null,
  captureSystemAudio: true,
  autoStopMinutes: 15,
  voiceprintsEnabled: false,
  captionsWindow: false,
} satisfies { [K in keyof typeof fields]: z.output<(typeof fields)[K]> };

export const SettingsSchema = z.object({
  theme: fields.theme.default(defaults.theme),
  fontScale: fields.fontScale.default(defaults.fontScale),
  language: fields.language.default(defaults.language),
  confidenceThreshold: fields.confidenceThreshold.default(defaults.confidenceThreshold),
  echoCancellation: fields.echoCancellation.default(defaults.echoCancellation),
  localSpeakerName: fields.localSpeakerName.default(defaults.localSpeakerName),
  vocabulary: fields.vocabulary.default(defaults.vocabulary),
  micDeviceId: fields.micDeviceId.default(defaults.micDeviceId),
  captureSystemAudio: fields.captureSystemAudio.default(defaults.captureSystemAudio),
  autoStopMinutes: fields.autoStopMinutes.default(defaults.autoStopMinutes),
  voiceprintsEnabled: fields.voiceprintsEnabled.default(defaults.voiceprintsEnabled),
  captionsWindow: fields.captionsWindow.default(defaults.captionsWindow),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** A partial update: any subset of fields, each validated like the full schema, no unknown keys, no defaults. */
export const SettingsPatchSchema = z.object(fields).partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
