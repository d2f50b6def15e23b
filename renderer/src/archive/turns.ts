import type { Segment } from '../../../main/api';

/** One transcript row: a segment, and whether it opens a new speaker turn (shows the name and time). */
export interface TranscriptRow {
  segment: Segment;
  turnStart: boolean;
  /** Index of the turn this row belongs to (0-based). */
  turn: number;
}

/**
 * Consecutive segments of the same speaker form one turn. Rows stay per segment (not per turn) so
 * the virtualized list never has to lay out one giant turn: a 10,000-segment monologue is still
 * 10,000 small rows, of which only the visible ones exist in the DOM.
 */
export function transcriptRows(segments: readonly Segment[]): TranscriptRow[] {
  const rows: TranscriptRow[] = [];
  let turn = -1;
  let previous: Segment | undefined;
  for (const segment of segments) {
    const turnStart =
      !previous || previous.speakerId !== segment.speakerId || previous.channel !== segment.channel;
    if (turnStart) turn++;
    rows.push({ segment, turnStart, turn });
    previous = segment;
  }
  return rows;
}

/**
 * The row to show for a moment: the segment that contains it, else the last one that started before
 * it (the moment fell in a pause), else the first.
 */
export function rowAt(rows: readonly TranscriptRow[], atMs: number): number {
  let found = -1;
  for (let i = 0; i < rows.length; i++) {
    const { startMs, endMs } = rows[i]!.segment;
    if (startMs <= atMs && atMs < endMs) return i;
    if (startMs <= atMs) found = i;
  }
  return Math.max(0, found);
}
