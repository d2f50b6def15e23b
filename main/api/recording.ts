import { z } from 'zod';

/**
 * Recording in the contract (issues 4 and 8): one session at a time, either 'live' (the pipeline transcribes
 * while it records; its events are in transcript.ts) or 'record-only' (capture now, transcribe later). The capture side (the renderer's AudioWorklet today, native sources later)
 * pushes 20 ms frames of 16 kHz mono audio in small batches; the backend writes them crash-safely, meters
 * them and reports gaps, silent sources and auto-stop as events.
 *
 * Frame size is fixed here rather than imported from main/audio: the renderer may import only main/api.
 */
export const RECORDING_FRAME_SAMPLES = 320;
export const RECORDING_SAMPLE_RATE = 16_000;
/**
 * Senders batch ~5 frames (100 ms) per request: small per-request overhead, ~35 KB even as JSON. The cap
 * (1 s, ~350 KB as JSON) lets a sender catch up after a stall while staying far below MAX_MESSAGE_BYTES.
 */
export const MAX_FRAMES_PER_BATCH = 50;

const SessionId = z.string().min(1).max(64);
const RecordingChannelSchema = z.enum(['mic', 'system']);

/**
 * Samples arrive either as a Float32Array (structured clone: Electron MessagePort, in-process) or as a
 * plain array of numbers (the dev bridge speaks JSON, where a typed array would turn into an object).
 * Both must hold exactly 320 finite values; the handler always sees a Float32Array.
 */
const TypedSamples = z.custom<Float32Array>(
  (v) => v instanceof Float32Array && v.length === RECORDING_FRAME_SAMPLES && v.every(Number.isFinite),
  { message: `samples must hold exactly ${RECORDING_FRAME_SAMPLES} finite values` },
);
// z.number() already refuses NaN and ±Infinity.
const ArraySamples = z
  .array(z.number().min(-1e6).max(1e6))
  .length(RECORDING_FRAME_SAMPLES)
  .transform((a) => Float32Array.from(a));
export const FrameSamplesSchema = z.union([TypedSamples, ArraySamples]);

export const RecordingFrameSchema = z.object({
  /** Per channel, +1 per frame from 0; a jump is a gap (reported, filled with silence). */
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** Capture time (ms) of the first sample on the producer's clock since the stream began. */
  t: z.number().min(0).max(1e10),
  samples: FrameSamplesSchema,
});

export const RecordingModeSchema = z.enum(['live', 'record-only']);
export type RecordingMode = z.infer<typeof RecordingModeSchema>;

export const RecordingStateSchema = z.enum(['recording', 'paused', 'finalizing', 'done', 'interrupted']);
export type RecordingState = z.infer<typeof RecordingStateSchema>;

export const RecordingSessionSchema = z.object({
  sessionId: z.string(),
  meetingId: z.number().int().positive(),
  title: z.string(),
  mode: RecordingModeSchema,
  state: RecordingStateSchema,
  /** Wall clock (epoch ms) when the session started. */
  startedAt: z.number(),
  /** Audio recorded so far (paused time excluded), per the longest channel. */
  recordedMs: z.number(),
  frames: z.object({ mic: z.number().int(), system: z.number().int() }),
  /** Frames lost in transit (sequence gaps), per channel; filled with silence in the file. */
  missingFrames: z.object({ mic: z.number().int(), system: z.number().int() }),
});
export type RecordingSession = z.infer<typeof RecordingSessionSchema>;

const SessionParams = z.object({ sessionId: SessionId }).strict();

export const recordingMethods = {
  /** Starts a session: creates the meeting (status 'recording') and its audio folder. One at a time. */
  'recording.start': {
    params: z
      .object({
        title: z.string().max(200).optional(),
        /** 'live' without an installed ASR model records and says why (transcript.status reason 'no-asr-model'). */
        mode: RecordingModeSchema.default('live'),
        /** Stop after this much silence on both channels (default 15 min). */
        /**
         * How many people speak on the system audio, when the user knows (issue 7: end-of-meeting
         * re-clustering then finds exactly that many instead of using its distance threshold).
         */
        remoteSpeakers: z.number().int().min(1).max(20).optional(),
        /** Overrides settings.echoCancellation for this meeting (the page turns it off on headphones). */
        echoCancellation: z.boolean().optional(),
        autoStopMs: z
          .number()
          .int()
          .min(1000)
          .max(24 * 3_600_000)
          .optional(),
      })
      .strict(),
    result: z.object({
      sessionId: z.string(),
      meetingId: z.number().int().positive(),
      /**
       * The mode the session actually runs in: a 'live' start without a usable speech-recognition model
       * records only. `message` says why (the same sentence as the transcript.status event).
       */
      mode: RecordingModeSchema.optional(),
      message: z.string().optional(),
    }),
  },
  /** A batch of consecutive frames of one channel (~5 frames = 100 ms per call). */
  'recording.frames': {
    params: z
      .object({
        sessionId: SessionId,
        channel: RecordingChannelSchema,
        frames: z.array(RecordingFrameSchema).min(1).max(MAX_FRAMES_PER_BATCH),
      })
      .strict(),
    /** accepted: frames recorded (not dropped as paused or duplicate); state: the session's state now. */
    result: z.object({ accepted: z.number().int(), state: RecordingStateSchema }),
  },
  'recording.pause': { params: SessionParams, result: RecordingSessionSchema },
  'recording.resume': { params: SessionParams, result: RecordingSessionSchema },
  /** Finalizes the files, compacts them to MP3 (the WAV is kept if that fails) and closes the meeting. */
  'recording.stop': { params: SessionParams, result: RecordingSessionSchema },
  /** The running session, or null. */
  'recording.status': {
    params: z.object({}).strict(),
    result: z.object({ session: RecordingSessionSchema.nullable() }),
  },
} as const;

export const RecordingWarningKindSchema = z.enum(['silent-source', 'gap', 'device-lost', 'auto-stop']);
export type RecordingWarningKind = z.infer<typeof RecordingWarningKindSchema>;

export const recordingEvents = {
  'recording.state': z.object({
    sessionId: z.string(),
    meetingId: z.number().int().positive(),
    state: RecordingStateSchema,
    reason: z.enum(['user', 'auto-stop', 'shutdown', 'error']).optional(),
    message: z.string().optional(),
  }),
  /** Input level per channel, ~10 per second while recording. */
  'recording.level': z.object({
    sessionId: z.string(),
    channel: RecordingChannelSchema,
    rmsDb: z.number(),
    peakDb: z.number(),
  }),
  'recording.warning': z.object({
    sessionId: z.string(),
    channel: RecordingChannelSchema,
    kind: RecordingWarningKindSchema,
    message: z.string(),
  }),
} as const;
