import {
  ARCHIVE_JSON_FORMAT,
  ARCHIVE_JSON_VERSION,
  ArchiveJsonSchema,
  type ArchiveJson,
} from '../archive-json';
import { OPEN_MEETING_STATUSES } from '../types';
import { locateJson } from './json-locate';
import { problem, type ParseOutcome, type ParsedTranscript } from './types';

const formatPath = (path: readonly PropertyKey[]): string =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('') ||
  '(document)';

/** Our own JSON export (../archive-json.ts), validated before anything is imported. */
export function parseArchiveJson(text: string): ParseOutcome {
  const source = text.replace(/^\uFEFF/, '');
  if (!source.trim()) return problem('The file is empty.');
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    const at = locateJson(source);
    return problem(`Not valid JSON: ${at?.message ?? (error as Error).message}.`, at?.line ?? null);
  }
  const head = data as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || head.format !== ARCHIVE_JSON_FORMAT) {
    return problem(
      `Not a Verbatim meeting export (expected "format": "${ARCHIVE_JSON_FORMAT}").`,
      locateJson(source, ['format'])?.line ?? 1,
    );
  }
  if (typeof head.version === 'number' && head.version > ARCHIVE_JSON_VERSION) {
    return problem(
      `This export was made by a newer version of Verbatim (format version ${head.version}; this version reads up to ${ARCHIVE_JSON_VERSION}).`,
      locateJson(source, ['version'])?.line ?? null,
    );
  }
  const parsed = ArchiveJsonSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    // An unknown key is reported on its parent object; point at the key itself.
    const keyPath = issue?.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path;
    return problem(
      `${formatPath(keyPath)}: ${issue?.message ?? 'invalid'}.`,
      locateJson(source, keyPath)?.line ?? null,
    );
  }
  return { ok: true, transcript: toTranscript(parsed.data) };
}

const time = (iso: string): number => Date.parse(iso);

function toTranscript(doc: ArchiveJson): ParsedTranscript {
  const status = (OPEN_MEETING_STATUSES as readonly string[]).includes(doc.meeting.status)
    ? 'interrupted'
    : doc.meeting.status;
  return {
    format: 'json',
    title: doc.meeting.title,
    startedAt: time(doc.meeting.startedAt),
    endedAt: doc.meeting.endedAt === null ? null : time(doc.meeting.endedAt),
    durationMs: doc.meeting.durationMs,
    // A meeting exported mid-recording has no session behind it any more.
    status,
    language: doc.meeting.language,
    speakers: doc.speakers.map((s) => ({ ...s })),
    segments: doc.segments.map((s) => ({
      speakerKey: s.speaker,
      channel: s.channel,
      startMs: s.startMs,
      endMs: s.endMs,
      text: s.text,
      language: s.language,
      emotion: s.emotion,
      emotionScore: s.emotionScore,
      confidence: s.confidence,
      revision: s.revision,
      words: s.words.map((w) => ({
        text: w.text,
        startMs: w.startMs,
        endMs: w.endMs,
        confidence: w.confidence,
        originalText: w.originalText,
        reviewedAt: w.reviewedAt === null ? null : time(w.reviewedAt),
      })),
    })),
    notes: doc.notes.map((n) => ({ ...n })),
  };
}
