import { ARCHIVE_JSON_FORMAT, ARCHIVE_JSON_VERSION, type ArchiveJson } from '../archive-json';
import type { MeetingDetail } from '../types';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Verbatim's JSON (../archive-json.ts). Keys are written in a fixed order and speakers get keys
 * by position (s1, s2, ...), never database ids, so importing this file and exporting the result
 * gives the same bytes.
 */
export function exportJson(detail: MeetingDetail): string {
  const keys = new Map(detail.speakers.map((s, i) => [s.id, `s${i + 1}`]));
  const doc: ArchiveJson = {
    format: ARCHIVE_JSON_FORMAT,
    version: ARCHIVE_JSON_VERSION,
    meeting: {
      title: detail.meeting.title,
      startedAt: iso(detail.meeting.startedAt) as string,
      endedAt: iso(detail.meeting.endedAt),
      durationMs: detail.meeting.durationMs,
      language: detail.meeting.language,
      status: detail.meeting.status,
    },
    speakers: detail.speakers.map((s) => ({
      key: keys.get(s.id) as string,
      label: s.label,
      displayName: s.displayName,
      channel: s.channel,
      colour: s.colour,
    })),
    segments: detail.segments.map((s) => ({
      speaker: s.speakerId === null ? null : (keys.get(s.speakerId) ?? null),
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
        reviewedAt: iso(w.reviewedAt),
      })),
    })),
    notes: detail.notes.map((n) => ({ atMs: n.atMs, kind: n.kind, text: n.text })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
