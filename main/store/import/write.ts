import { createMeeting } from '../repositories/meetings';
import type { StoreContext } from '../repositories/context';
import { addNote } from '../repositories/notes';
import { insertFinalSegment } from '../repositories/segments';
import { addSpeaker } from '../repositories/speakers';
import type { Meeting } from '../types';
import type { ParsedTranscript } from './types';
import { estimateWords } from './words';

export interface ImportFallbacks {
  /** Used when the file has no title (subtitles): usually the file name. */
  title: string;
  /** Used when the file has no start time: usually the file's modification time. */
  startedAt: number;
}

/**
 * Stores a parsed transcript as a new meeting in one transaction: a failure half-way (disk full,
 * a constraint) leaves nothing of the file in the archive.
 */
export function writeTranscript(
  ctx: StoreContext,
  transcript: ParsedTranscript,
  fallbacks: ImportFallbacks,
): Meeting {
  return ctx.db.transaction(() => {
    const lastEnd = transcript.segments.reduce((max, s) => Math.max(max, s.endMs), 0);
    const startedAt = transcript.startedAt ?? fallbacks.startedAt;
    const durationMs = transcript.durationMs ?? lastEnd;
    // Our JSON states every field (null included) and must come back exactly as exported;
    // subtitles state none, so their meeting ends when the last cue does.
    const exact = transcript.format === 'json';
    const meeting = createMeeting(ctx, {
      title: transcript.title ?? fallbacks.title,
      startedAt,
      endedAt: exact ? transcript.endedAt : (transcript.endedAt ?? startedAt + durationMs),
      status: transcript.status ?? 'done',
      durationMs,
      language: transcript.language,
    });
    const speakerIds = new Map<string, number>();
    for (const s of transcript.speakers) {
      const speaker = addSpeaker(ctx, meeting.id, {
        label: s.label,
        displayName: s.displayName,
        channel: s.channel,
        colour: s.colour,
      });
      speakerIds.set(s.key, speaker.id);
    }
    for (const s of transcript.segments) {
      insertFinalSegment(ctx, {
        meetingId: meeting.id,
        speakerId: s.speakerKey === null ? null : (speakerIds.get(s.speakerKey) ?? null),
        channel: s.channel,
        startMs: s.startMs,
        endMs: s.endMs,
        text: s.text,
        language: s.language ?? null,
        emotion: s.emotion ?? null,
        emotionScore: s.emotionScore ?? null,
        confidence: s.confidence ?? null,
        revision: s.revision ?? 0,
        words: s.words ?? estimateWords(s.text, s.startMs, s.endMs),
      });
    }
    for (const n of transcript.notes) addNote(ctx, meeting.id, n);
    return meeting;
  })();
}
