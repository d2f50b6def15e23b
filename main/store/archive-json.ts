import { z } from 'zod';
import { CHANNELS, MEETING_STATUSES, NOTE_KINDS } from './types';

/**
 * Verbatim's own meeting export: one meeting per file, everything needed to bring it back
 * (speakers, segments, every word with its confidence and correction, notes). It carries no
 * database ids and no export time, so export -> import -> export gives the same bytes. Voiceprints
 * are never exported (biometric data stays on the machine that recorded it).
 *
 * A change of shape is a new `version`; importers accept every version up to their own.
 */
export const ARCHIVE_JSON_FORMAT = 'verbatim.meeting';
export const ARCHIVE_JSON_VERSION = 1;

const ms = z.number().int().min(0);
const isoTime = z.iso.datetime({ offset: false });
const score = z.number().min(0).max(1).nullable();

export const WordJsonSchema = z
  .object({
    text: z.string().min(1),
    startMs: ms,
    endMs: ms,
    confidence: score,
    originalText: z.string().nullable(),
    reviewedAt: isoTime.nullable(),
  })
  .strict()
  .refine((w) => w.endMs >= w.startMs, { message: 'a word ends before it starts', path: ['endMs'] });

export const SegmentJsonSchema = z
  .object({
    /** Key of an entry in `speakers`, or null. */
    speaker: z.string().nullable(),
    channel: z.enum(CHANNELS),
    startMs: ms,
    endMs: ms,
    text: z.string(),
    language: z.string().nullable(),
    emotion: z.string().nullable(),
    emotionScore: z.number().nullable(),
    confidence: score,
    revision: z.number().int().min(0),
    words: z.array(WordJsonSchema),
  })
  .strict()
  .refine((s) => s.endMs >= s.startMs, { message: 'a segment ends before it starts', path: ['endMs'] });

export const SpeakerJsonSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().min(1),
    displayName: z.string().nullable(),
    channel: z.enum(CHANNELS),
    colour: z.string().nullable(),
  })
  .strict();

export const NoteJsonSchema = z
  .object({
    atMs: ms.nullable(),
    kind: z.enum(NOTE_KINDS),
    text: z.string(),
  })
  .strict();

export const MeetingJsonSchema = z
  .object({
    title: z.string(),
    startedAt: isoTime,
    endedAt: isoTime.nullable(),
    durationMs: ms,
    language: z.string().nullable(),
    status: z.enum(MEETING_STATUSES),
  })
  .strict();

export const ArchiveJsonSchema = z
  .object({
    format: z.literal(ARCHIVE_JSON_FORMAT),
    version: z.literal(ARCHIVE_JSON_VERSION),
    meeting: MeetingJsonSchema,
    speakers: z.array(SpeakerJsonSchema),
    segments: z.array(SegmentJsonSchema),
    notes: z.array(NoteJsonSchema),
  })
  .strict()
  .superRefine((doc, issue) => {
    const keys = new Set<string>();
    const labels = new Set<string>();
    doc.speakers.forEach((s, i) => {
      if (keys.has(s.key))
        issue.addIssue({
          code: 'custom',
          message: `duplicate speaker key "${s.key}"`,
          path: ['speakers', i, 'key'],
        });
      if (labels.has(s.label)) {
        issue.addIssue({
          code: 'custom',
          message: `duplicate speaker label "${s.label}"`,
          path: ['speakers', i, 'label'],
        });
      }
      keys.add(s.key);
      labels.add(s.label);
    });
    doc.segments.forEach((s, i) => {
      if (s.speaker !== null && !keys.has(s.speaker)) {
        issue.addIssue({
          code: 'custom',
          message: `unknown speaker "${s.speaker}"`,
          path: ['segments', i, 'speaker'],
        });
      }
    });
  });

export type ArchiveJson = z.infer<typeof ArchiveJsonSchema>;
export type WordJson = z.infer<typeof WordJsonSchema>;
export type SegmentJson = z.infer<typeof SegmentJsonSchema>;
