/**
 * Speakers and emotion beyond renaming (issue 7): voiceprints (list, save, forget), name suggestions, merge and split, the per-speaker emotion timeline.
 */
export const voiceMethods = {} as const;

export const voiceEvents = {} as const;
