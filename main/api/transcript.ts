import { z } from 'zod';
import { ChannelSchema, IdSchema as Id, MeetingStatusSchema, SegmentSchema } from './archive';

/**
 * The live transcript in the contract (issue 8 item 2, issue 9 item 1): what the pipeline of a running
 * meeting tells every window. A partial is the current hypothesis of the open segment of a channel and may
 * change or vanish; a final is committed to the archive before it is sent and never changes afterwards
 * except by the user. The partial and the final of one segment share `segmentKey`, so the UI replaces the
 * one by the other; an echo-dropped event removes a mic partial the echo guard refused.
 *
 * Every event carries `captureMs` (meeting time of the end of the audio it covers) and `emittedAt` (epoch ms
 * when it left the backend): the latency instrumentation of issue 8 item 6.
 */
/** A session's states: before it has a meeting, then the meeting's own statuses. */
export const SessionStateSchema = z.enum(['idle', 'starting', ...MeetingStatusSchema.options]);
export type SessionState = z.infer<typeof SessionStateSchema>;

/** Which recognizers run (main/pipeline/recognizers.ts); 'none' records only. */
export const AsrModeSchema = z.enum(['streaming', 'streaming+final-pass', 'pseudo-streaming', 'none']);
export type AsrMode = z.infer<typeof AsrModeSchema>;

export const LiveWordSchema = z.object({
  text: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  /** Posterior-based confidence in [0, 1]. */
  confidence: z.number(),
});
export type LiveWord = z.infer<typeof LiveWordSchema>;

const Timing = {
  meetingId: Id,
  captureMs: z.number(),
  emittedAt: z.number(),
};

export const TranscriptPartialSchema = z.object({
  ...Timing,
  channel: ChannelSchema,
  segmentKey: z.string(),
  text: z.string(),
  words: z.array(LiveWordSchema),
  /** Meeting ms where the open segment began. */
  startMs: z.number(),
});
export type TranscriptPartial = z.infer<typeof TranscriptPartialSchema>;

export const TranscriptFinalSchema = z.object({
  ...Timing,
  segmentKey: z.string(),
  /** The segment exactly as the archive holds it now (words with their ids and confidences). */
  segment: SegmentSchema,
  speaker: z.object({ id: Id, label: z.string(), displayName: z.string().nullable() }),
  /** Epoch ms when the endpoint was decided: endpoint -> final latency = emittedAt - endpointAt. */
  endpointAt: z.number(),
  reason: z.enum(['silence', 'semantic', 'max-length', 'flush']),
});
export type TranscriptFinal = z.infer<typeof TranscriptFinalSchema>;

export const TranscriptStatusSchema = z.object({
  ...Timing,
  state: SessionStateSchema,
  asrMode: AsrModeSchema,
  /** Machine reason ('no-asr-model', ...) and a sentence for the user. */
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type TranscriptStatus = z.infer<typeof TranscriptStatusSchema>;

export const TranscriptLagSchema = z.object({
  ...Timing,
  channel: ChannelSchema,
  /** Audio received but not yet decoded on this channel. */
  lagMs: z.number(),
  /** True while partials are thinned so decoding catches up. */
  thinned: z.boolean(),
});
export type TranscriptLag = z.infer<typeof TranscriptLagSchema>;

export const TranscriptEchoDroppedSchema = z.object({
  ...Timing,
  channel: ChannelSchema,
  segmentKey: z.string(),
  text: z.string(),
  matchedSegmentId: Id,
  similarity: z.number(),
  rule: z.enum(['text', 'level']),
});
export type TranscriptEchoDropped = z.infer<typeof TranscriptEchoDroppedSchema>;

export const transcriptEvents = {
  'transcript.partial': TranscriptPartialSchema,
  'transcript.final': TranscriptFinalSchema,
  'transcript.status': TranscriptStatusSchema,
  'transcript.lag': TranscriptLagSchema,
  'transcript.echo-dropped': TranscriptEchoDroppedSchema,
} as const;
