import { z } from 'zod';

/**
 * The archive half of the contract: meetings, speakers, notes, search, import and export
 * (DESIGN.md "Store", issue 3). The schemas mirror the store's plain row types; the backend
 * validates every result against them, so a drift between store and contract fails loudly.
 * Times inside a meeting are ms from its start; meeting times are epoch ms.
 */
/** Row ids of the archive. */
export const IdSchema = z.number().int().positive();
const Id = IdSchema;

export const MeetingStatusSchema = z.enum([
  'recording',
  'paused',
  'finalizing',
  'done',
  'interrupted',
  'error',
]);
export const ChannelSchema = z.enum(['mic', 'system']);

export const MeetingSchema = z.object({
  id: Id,
  title: z.string(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  status: MeetingStatusSchema,
  durationMs: z.number(),
  language: z.string().nullable(),
  audioDir: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Meeting = z.infer<typeof MeetingSchema>;

export const MeetingSummarySchema = MeetingSchema.extend({
  speakerCount: z.number().int(),
  segmentCount: z.number().int(),
});
export type MeetingSummary = z.infer<typeof MeetingSummarySchema>;

export const SpeakerSchema = z.object({
  id: Id,
  meetingId: Id,
  label: z.string(),
  displayName: z.string().nullable(),
  channel: ChannelSchema,
  colour: z.string().nullable(),
  voiceprintId: z.number().int().nullable(),
});
export type Speaker = z.infer<typeof SpeakerSchema>;

/** A word is addressed by (segmentId, ord): its position in the segment. */
export const WordSchema = z.object({
  segmentId: Id,
  ord: z.number().int(),
  text: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  confidence: z.number().nullable(),
  originalText: z.string().nullable(),
  reviewedAt: z.number().nullable(),
});
export type Word = z.infer<typeof WordSchema>;

export const SegmentSchema = z.object({
  id: Id,
  meetingId: Id,
  speakerId: z.number().int().nullable(),
  channel: ChannelSchema,
  startMs: z.number(),
  endMs: z.number(),
  text: z.string(),
  language: z.string().nullable(),
  emotion: z.string().nullable(),
  emotionScore: z.number().nullable(),
  confidence: z.number().nullable(),
  minWordConfidence: z.number().nullable(),
  revision: z.number().int(),
  words: z.array(WordSchema),
});
export type Segment = z.infer<typeof SegmentSchema>;

export const NoteKindSchema = z.enum(['note', 'bookmark']);
export const NoteSchema = z.object({
  id: Id,
  meetingId: Id,
  atMs: z.number().nullable(),
  kind: NoteKindSchema,
  text: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Note = z.infer<typeof NoteSchema>;

export const MeetingDetailSchema = z.object({
  meeting: MeetingSchema,
  speakers: z.array(SpeakerSchema),
  segments: z.array(SegmentSchema),
  notes: z.array(NoteSchema),
});
export type MeetingDetail = z.infer<typeof MeetingDetailSchema>;

/** Marks around matched words in snippets: control characters stored text never contains. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_END = '\u0003';

export const SearchHitSchema = z.object({
  kind: z.enum(['segment', 'note']),
  id: Id,
  meetingId: Id,
  meetingTitle: z.string(),
  meetingStartedAt: z.number(),
  startMs: z.number().nullable(),
  endMs: z.number().nullable(),
  speakerId: z.number().int().nullable(),
  speakerName: z.string().nullable(),
  emotion: z.string().nullable(),
  snippet: z.string(),
  rank: z.number().nullable(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchParamsSchema = z
  .object({
    /** Query language: words, "phrases", -exclusions, prefix*, speaker:, emotion:, before:, after:, lowconf. */
    query: z.string().max(10_000).optional(),
    meetingIds: z.array(Id).max(1000).optional(),
    speakerIds: z.array(Id).max(1000).optional(),
    emotions: z.array(z.string().max(40)).max(20).optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    lowConfidence: z.boolean().optional(),
    confidenceThreshold: z.number().min(0).max(1).optional(),
    includeNotes: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).optional(),
    offset: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type SearchParams = z.infer<typeof SearchParamsSchema>;

/** A query the parser cannot use is a result with a message, not an error: the user is mid-typing. */
export const SearchResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    hits: z.array(SearchHitSchema),
    notes: z.array(SearchHitSchema),
    hasMore: z.boolean(),
    order: z.enum(['rank', 'recent']),
    ignored: z.array(z.string()),
  }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const ImportFileSchema = z.object({
  /** File name as the user picked it; used for format detection and the meeting title. */
  name: z.string().min(1).max(255),
  text: z.string(),
});

export const ImportResultSchema = z.discriminatedUnion('ok', [
  z.object({
    name: z.string(),
    ok: z.literal(true),
    meetingId: Id,
    title: z.string(),
    segments: z.number().int(),
  }),
  z.object({
    name: z.string(),
    ok: z.literal(false),
    message: z.string(),
    line: z.number().int().nullable(),
  }),
]);
export type ImportResult = z.infer<typeof ImportResultSchema>;

export const ExportFormatSchema = z.enum(['markdown', 'srt', 'vtt', 'json', 'text']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportOptionsSchema = z
  .object({
    /** Markdown: add emotion tags to turns. */
    emotions: z.boolean().optional(),
    /** Markdown: mark words under this confidence (default: the user's threshold). */
    lowConfidenceThreshold: z.number().min(0).max(1).optional(),
    timeZone: z.string().max(64).optional(),
  })
  .strict();

export const ExportResultSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  content: z.string(),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

export const archiveMethods = {
  'meetings.list': {
    params: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
    result: z.object({ meetings: z.array(MeetingSummarySchema), total: z.number().int() }),
  },
  'meetings.get': { params: z.object({ meetingId: Id }).strict(), result: MeetingDetailSchema },
  'meetings.rename': {
    params: z.object({ meetingId: Id, title: z.string().trim().min(1).max(300) }).strict(),
    result: MeetingSchema,
  },
  'meetings.delete': { params: z.object({ meetingId: Id }).strict(), result: z.object({ meetingId: Id }) },
  /** Renames a speaker everywhere in its meeting; null restores the machine label. */
  'speakers.rename': {
    params: z.object({ speakerId: Id, displayName: z.string().trim().min(1).max(80).nullable() }).strict(),
    result: SpeakerSchema,
  },
  'notes.add': {
    params: z
      .object({
        meetingId: Id,
        atMs: z.number().min(0).nullable(),
        kind: NoteKindSchema,
        text: z.string().max(20_000),
      })
      .strict(),
    result: NoteSchema,
  },
  'notes.update': {
    params: z.object({ noteId: Id, text: z.string().max(20_000) }).strict(),
    result: NoteSchema,
  },
  'notes.delete': { params: z.object({ noteId: Id }).strict(), result: z.object({ noteId: Id }) },
  'search.query': { params: SearchParamsSchema, result: SearchResultSchema },
  /** Imports transcripts (WebVTT, SRT, Verbatim JSON); each file is its own meeting, all or nothing per file. */
  'archive.import': {
    params: z.object({ files: z.array(ImportFileSchema).min(1).max(50) }).strict(),
    result: z.object({ results: z.array(ImportResultSchema) }),
  },
  /** Renders a meeting as a file; the caller saves it (the renderer through a download, the CLI to a folder). */
  'archive.export': {
    params: z
      .object({ meetingId: Id, format: ExportFormatSchema, options: ExportOptionsSchema.optional() })
      .strict(),
    result: ExportResultSchema,
  },
} as const;

export const archiveEvents = {
  /** Something in the archive changed; lists and open meetings should refresh. */
  'archive.changed': z.object({
    reason: z.enum(['imported', 'updated', 'deleted']),
    meetingIds: z.array(Id),
  }),
} as const;
