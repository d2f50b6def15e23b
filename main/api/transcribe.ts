import { z } from 'zod';
import { IdSchema } from './archive';
import { SettingsPatchSchema } from './settings';

/**
 * Transcribe later (issue 8 item 7): a record-only meeting or an imported audio file goes through the same
 * pipeline as a live meeting, as fast as the machine allows. One job runs at a time, the others wait in
 * order. Progress (with an ETA) is an event; a job can be cancelled (what was committed stays) and a job
 * that was running when the backend died resumes after the last committed final when it starts again.
 */
export const TranscribeJobStateSchema = z.enum(['queued', 'running', 'done', 'cancelled', 'failed']);
export type TranscribeJobState = z.infer<typeof TranscribeJobStateSchema>;

export const TranscribeJobSchema = z.object({
  meetingId: IdSchema,
  state: TranscribeJobStateSchema,
  /** Meeting audio fed through the pipeline so far (both channels run side by side). */
  processedMs: z.number().min(0),
  /** Length of the meeting's audio (the longer channel); 0 until the audio is decoded. */
  totalMs: z.number().min(0),
  /** Estimated time left at the current speed; null while there is nothing to estimate from. */
  etaMs: z.number().min(0).nullable(),
  /** Why it failed, or what the user should know (e.g. which models ran). */
  message: z.string().optional(),
  /** Machine reason of a failure: scripts (the CLI's exit code) rely on it, not on the message. */
  reason: z.enum(['no-asr-model', 'no-audio', 'error']).optional(),
});
export type TranscribeJob = z.infer<typeof TranscribeJobSchema>;

/** The settings' language choices (without the settings' default: no override means the settings' own). */
export const TranscribeLanguageSchema = SettingsPatchSchema.shape.language.unwrap();
export type TranscribeLanguage = z.infer<typeof TranscribeLanguageSchema>;

const MeetingParams = z.object({ meetingId: IdSchema }).strict();

export const transcribeMethods = {
  /**
   * Queues a meeting that has audio (record-only, interrupted, or imported) for transcription. Segments it
   * already has are kept: the job continues after the last committed final of each channel. Starting a
   * meeting that is already queued or running returns that job.
   */
  'transcribe.start': {
    params: z
      .object({
        meetingId: IdSchema,
        /** Overrides the settings' language for this job. */
        language: TranscribeLanguageSchema.optional(),
      })
      .strict(),
    result: TranscribeJobSchema,
  },
  /** Cancels a queued or running job; committed finals stay. NOT_FOUND when the meeting has no such job. */
  'transcribe.cancel': { params: MeetingParams, result: TranscribeJobSchema },
  /** Jobs queued or running, the running one first. */
  'transcribe.status': {
    params: z.object({}).strict(),
    result: z.object({ jobs: z.array(TranscribeJobSchema) }),
  },
} as const;

export const transcribeEvents = {
  /** A job changed state, or made progress (a few times per second at most while running). */
  'transcribe.progress': TranscribeJobSchema,
} as const;
