import type { Segment } from '../../../main/api';

/** The word being played: a segment and the word's position in it (ord), or the segment alone. */
export interface PlayingWord {
  segmentId: number;
  /** -1 when the segment has no word timings (plain text): the whole segment is current. */
  ord: number;
  /** Index of the segment in the list it was found in (the transcript row). */
  index: number;
}

/**
 * The word under the playhead. Segments come in transcript order (by start time); the last one that
 * started at or before `ms` and has not ended holds it. Inside it, the last word that started at or
 * before `ms` (so the highlight stays on a word through the short gap to the next one). Between
 * segments nothing is current. Binary search: this runs on every animation frame while playing.
 */
export function wordAt(segments: readonly Segment[], ms: number): PlayingWord | null {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.startMs <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Segments of two channels may overlap: look back a little for one that still covers `ms`.
  for (let i = found; i >= 0 && i >= found - 8; i--) {
    const segment = segments[i]!;
    if (ms >= segment.endMs) continue;
    const { words } = segment;
    if (words.length === 0) return { segmentId: segment.id, ord: -1, index: i };
    let ord = words[0]!.ord;
    for (const word of words) {
      if (word.startMs > ms) break;
      ord = word.ord;
    }
    return { segmentId: segment.id, ord, index: i };
  }
  return null;
}

export function samePlayingWord(a: PlayingWord | null, b: PlayingWord | null): boolean {
  return a === b || (a !== null && b !== null && a.segmentId === b.segmentId && a.ord === b.ord);
}

/** A stretch of one speaker, for the timeline: consecutive segments of the same speaker joined. */
export interface TimelineTurn {
  speakerId: number | null;
  startMs: number;
  endMs: number;
}

/**
 * Turns for the timeline: consecutive segments of one speaker less than `joinGapMs` apart merge, so an
 * hour of short segments becomes a few hundred blocks, not thousands of DOM nodes.
 */
export function timelineTurns(segments: readonly Segment[], joinGapMs = 1500): TimelineTurn[] {
  const turns: TimelineTurn[] = [];
  for (const segment of segments) {
    const last = turns[turns.length - 1];
    if (last && last.speakerId === segment.speakerId && segment.startMs - last.endMs <= joinGapMs) {
      last.endMs = Math.max(last.endMs, segment.endMs);
      continue;
    }
    turns.push({ speakerId: segment.speakerId, startMs: segment.startMs, endMs: segment.endMs });
  }
  return turns;
}

/**
 * At most `maxBlocks` blocks for a timeline `totalMs` long. Past that many turns a block would be
 * narrower than a pixel anyway: the meeting is cut into `maxBlocks` equal slots, each slot shows the
 * speaker who talked most in it, and neighbouring slots of one speaker join.
 */
export function timelineBlocks(
  segments: readonly Segment[],
  totalMs: number,
  maxBlocks = 1000,
): TimelineTurn[] {
  const turns = timelineTurns(segments);
  if (turns.length <= maxBlocks || totalMs <= 0) return turns;
  const slotMs = totalMs / maxBlocks;
  const talk: Array<Map<number | null, number>> = Array.from({ length: maxBlocks }, () => new Map());
  for (const segment of segments) {
    const first = Math.max(0, Math.floor(segment.startMs / slotMs));
    const last = Math.min(maxBlocks - 1, Math.floor(Math.max(segment.startMs, segment.endMs - 1) / slotMs));
    for (let slot = first; slot <= last; slot++) {
      const from = Math.max(segment.startMs, slot * slotMs);
      const to = Math.min(segment.endMs, (slot + 1) * slotMs);
      const bySpeaker = talk[slot]!;
      bySpeaker.set(segment.speakerId, (bySpeaker.get(segment.speakerId) ?? 0) + Math.max(0, to - from));
    }
  }
  const blocks: TimelineTurn[] = [];
  talk.forEach((bySpeaker, slot) => {
    let speakerId: number | null = null;
    let most = 0;
    for (const [id, ms] of bySpeaker) {
      if (ms > most) {
        most = ms;
        speakerId = id;
      }
    }
    if (most === 0) return;
    const startMs = slot * slotMs;
    const last = blocks[blocks.length - 1];
    if (last && last.speakerId === speakerId && last.endMs >= startMs - 1e-6) last.endMs = startMs + slotMs;
    else blocks.push({ speakerId, startMs, endMs: startMs + slotMs });
  });
  return blocks;
}

/** m:ss or h:mm:ss for the transport's clock. */
export function formatPosition(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
