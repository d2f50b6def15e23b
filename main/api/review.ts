import { z } from 'zod';
import { ChannelSchema, IdSchema } from './archive';

/**
 * The review queue (issue 9 item 4): ranked spans most likely wrong, accept, correct, fix all, undo, vocabulary.
 * Every change is announced as 'archive.changed' {reason: 'updated'} so open meetings and lists refresh.
 */
const Id = IdSchema;

export const ReviewReasonSchema = z.enum([
  'low-confidence',
  'draft-changed',
  'unknown-word',
  'uncertain-speaker',
]);
export type ReviewReason = z.infer<typeof ReviewReasonSchema>;

/** Consecutive word positions (ord) of one segment: the span acted on. */
const OrdsSchema = z.array(z.number().int().min(0)).min(1).max(200);

export const ReviewItemSchema = z.object({
  /** Stable key of the span ("segmentId:firstOrd-lastOrd"): the same flagged words keep it across reads. */
  id: z.string(),
  meetingId: Id,
  meetingTitle: z.string(),
  segmentId: Id,
  channel: ChannelSchema,
  ords: z.array(z.number().int()),
  words: z.array(z.object({ ord: z.number().int(), text: z.string(), confidence: z.number().nullable() })),
  /** The span's words, and a few words of the segment either side. */
  text: z.string(),
  before: z.string(),
  after: z.string(),
  /** The span's time in the meeting (ms from its start). */
  startMs: z.number(),
  endMs: z.number(),
  /** Estimated probability in [0,1] that the span holds an error (main/store/review/rank.ts). */
  score: z.number(),
  reasons: z.array(ReviewReasonSchema),
  /** Lowest known word confidence in the span. */
  confidence: z.number().nullable(),
  speakerId: z.number().int().nullable(),
  /** The speaker's shown name; null when no speaker is assigned. */
  speaker: z.string().nullable(),
  /** The streaming draft the final pass replaced, when the span disagrees with it. */
  draftText: z.string().nullable(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ReviewQueueSchema = z.object({
  items: z.array(ReviewItemSchema),
  /** Spans in the queue (paging). */
  total: z.number().int(),
  /** Words in scope a person verified. */
  reviewed: z.number().int(),
  /** Flagged words still to review. */
  remaining: z.number().int(),
  /** The archive had more candidates than one read ranks (the weakest are left for later): counts are a floor. */
  capped: z.boolean(),
});
export type ReviewQueue = z.infer<typeof ReviewQueueSchema>;

export const ReviewChangeSchema = z.object({
  meetingId: Id,
  segmentIds: z.array(Id),
  /** Words accepted or changed (0: nothing matched or all were already verified). */
  words: z.number().int(),
});
export type ReviewChange = z.infer<typeof ReviewChangeSchema>;

const WordText = z.string().trim().min(1).max(100);

export const reviewMethods = {
  /** One page of the queue, most likely wrong first; the whole archive when meetingId is omitted. */
  'review.queue': {
    params: z
      .object({
        meetingId: Id.optional(),
        limit: z.number().int().min(1).max(200).optional(),
        offset: z.number().int().min(0).max(1_000_000).optional(),
      })
      .strict(),
    result: ReviewQueueSchema,
  },
  /** Marks the words human-verified: they leave the queue. */
  'review.accept': {
    params: z.object({ segmentId: Id, ords: OrdsSchema }).strict(),
    result: ReviewChangeSchema,
  },
  /** Replaces the words with `text` (any number of words); the original is kept and the words verified. */
  'review.correct': {
    params: z.object({ segmentId: Id, ords: OrdsSchema, text: z.string().trim().min(1).max(1000) }).strict(),
    result: ReviewChangeSchema,
  },
  /** Every word of the meeting reading as `from` (case, accents, punctuation aside) becomes `to`. */
  'review.fixAll': {
    params: z.object({ meetingId: Id, from: WordText, to: WordText }).strict(),
    result: ReviewChangeSchema,
  },
  /** Undoes the last review action (a fix-all is one action); `undone` false when there is none. */
  'review.undo': {
    params: z.object({}).strict(),
    result: z.object({
      undone: z.boolean(),
      kind: z.enum(['accept', 'correct', 'fix-all', 'vocabulary']).nullable(),
      meetingIds: z.array(Id),
      /** The word taken out of the vocabulary again, for an undone vocabulary addition. */
      word: z.string().nullable(),
    }),
  },
  /** Adds a word to settings.vocabulary (no-op when it is there already, ignoring case). */
  'review.addToVocabulary': {
    params: z.object({ word: WordText }).strict(),
    result: z.object({ added: z.boolean(), vocabulary: z.array(z.string()) }),
  },
} as const;

export const reviewEvents = {} as const;
