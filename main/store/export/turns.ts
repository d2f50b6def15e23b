import type { MeetingDetail, SegmentWithWords, Speaker } from '../types';

/** Name shown for a speaker: the name the user gave, else the label. */
export function speakerName(speaker: Speaker | undefined): string {
  return speaker ? (speaker.displayName ?? speaker.label) : 'Unknown speaker';
}

export interface Turn {
  speakerId: number | null;
  speaker: string;
  startMs: number;
  endMs: number;
  segments: SegmentWithWords[];
}

/** Consecutive segments of the same speaker read as one turn, the way people read a transcript. */
export function speakerTurns(detail: MeetingDetail): Turn[] {
  const speakers = new Map(detail.speakers.map((s) => [s.id, s]));
  const turns: Turn[] = [];
  for (const segment of detail.segments) {
    const last = turns.at(-1);
    if (last && last.speakerId === segment.speakerId) {
      last.segments.push(segment);
      last.endMs = Math.max(last.endMs, segment.endMs);
      continue;
    }
    turns.push({
      speakerId: segment.speakerId,
      speaker: speakerName(segment.speakerId === null ? undefined : speakers.get(segment.speakerId)),
      startMs: segment.startMs,
      endMs: segment.endMs,
      segments: [segment],
    });
  }
  return turns;
}

/** People who spoke, in order of first words. */
export function participants(detail: MeetingDetail): string[] {
  const names: string[] = [];
  for (const turn of speakerTurns(detail)) if (!names.includes(turn.speaker)) names.push(turn.speaker);
  return names;
}
