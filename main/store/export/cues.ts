import { estimateWords } from '../import/words';
import { locateWords } from '../text';
import type { MeetingDetail, SegmentWithWords } from '../types';
import { speakerName } from './turns';

/**
 * Subtitle cues from a transcript. A recognizer segment can run for many seconds; shown whole it
 * would fill the screen, so segments are cut into cues of at most `maxLines` lines of
 * `maxLineChars` (the usual 2 x 42), timed by their words.
 */
export interface SubtitleCue {
  startMs: number;
  endMs: number;
  speaker: string | null;
  lines: string[];
}

export interface CueOptions {
  maxLineChars?: number;
  maxLines?: number;
}

interface Piece {
  text: string;
  startMs: number;
  endMs: number;
}

/** The segment text cut at word boundaries, each piece keeping the punctuation that follows it. */
function pieces(segment: SegmentWithWords): Piece[] {
  const spans = locateWords(
    segment.text,
    segment.words.map((w) => w.text),
  );
  if (segment.words.length && spans.every((s) => s !== null)) {
    return segment.words.map((w, i) => {
      const from = i === 0 ? 0 : (spans[i]?.[0] ?? 0);
      const to = i === spans.length - 1 ? segment.text.length : (spans[i + 1]?.[0] ?? segment.text.length);
      return { text: segment.text.slice(from, to).trim(), startMs: w.startMs, endMs: w.endMs };
    });
  }
  return estimateWords(segment.text, segment.startMs, segment.endMs).map((w) => ({ ...w }));
}

function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function subtitleCues(detail: MeetingDetail, options: CueOptions = {}): SubtitleCue[] {
  const width = options.maxLineChars ?? 42;
  const maxLines = options.maxLines ?? 2;
  const speakers = new Map(detail.speakers.map((s) => [s.id, s]));
  const cues: SubtitleCue[] = [];
  for (const segment of detail.segments) {
    const name = segment.speakerId === null ? null : speakerName(speakers.get(segment.speakerId));
    let chunk: Piece[] = [];
    const emit = (): void => {
      if (!chunk.length) return;
      const first = chunk[0] as Piece;
      const last = chunk.at(-1) as Piece;
      cues.push({
        startMs: Math.max(segment.startMs, Math.min(first.startMs, segment.endMs)),
        endMs: Math.min(segment.endMs, Math.max(last.endMs, first.startMs)),
        speaker: name,
        lines: wrap(
          chunk.map((p) => p.text),
          width,
        ),
      });
      chunk = [];
    };
    for (const piece of pieces(segment)) {
      if (!piece.text) continue;
      if (
        chunk.length &&
        wrap(
          [...chunk, piece].map((p) => p.text),
          width,
        ).length > maxLines
      )
        emit();
      chunk.push(piece);
    }
    emit();
  }
  // Players show overlapping cues stacked; a cue ends where the next begins.
  for (let i = 0; i + 1 < cues.length; i += 1) {
    const cue = cues[i] as SubtitleCue;
    const next = cues[i + 1] as SubtitleCue;
    if (cue.endMs > next.startMs && next.startMs >= cue.startMs) cue.endMs = next.startMs;
  }
  return cues;
}
