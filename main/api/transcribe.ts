/**
 * Transcribe later (issue 8 item 7): a record-only meeting or an audio file through the pipeline as fast as the machine allows, with progress, ETA, cancel and resume.
 */
export const transcribeMethods = {} as const;

export const transcribeEvents = {} as const;
