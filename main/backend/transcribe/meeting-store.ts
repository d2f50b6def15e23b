import type { SessionStore } from '../../pipeline';
import type { Meeting, MeetingStatePatch, NewSegment, SegmentWithWords, Store } from '../../store';

export interface ExistingMeetingStore extends SessionStore {
  /** Ids of committed segments a resumed run met again (returned instead of a duplicate insert). */
  readonly replayed: ReadonlySet<number>;
}

/**
 * The store as a transcribe-later session sees it. The session is built for live meetings: it marks its
 * meeting 'recording' at start and 'done' (with endedAt = now) at stop, and adds speakers as it meets them.
 * Here the meeting already happened: its status and end time stay what the recording left (the job's own
 * state is in transcribe_jobs), only a longer duration is taken, and a speaker label the meeting already
 * has (from before a crash, or a cancelled run) is reused instead of failing on the unique label.
 *
 * A resumed run restarts both channels at one point (so the echo canceller and the echo guard see the
 * system channel), which can be before the last committed final of one of them. `committedUntil` holds each
 * channel's last committed end when the run started: a final inside that region was committed before and
 * is answered with the committed row (the session then knows it for the echo guard, nothing is written); a
 * final that straddles it keeps only its words after it.
 */
export function existingMeetingStore(
  store: Store,
  meetingId: number,
  committedUntil: { mic: number; system: number } = { mic: 0, system: 0 },
): ExistingMeetingStore {
  const replayed = new Set<number>();

  const insertFinal = (input: NewSegment): SegmentWithWords => {
    const until = committedUntil[input.channel];
    if (input.startMs >= until) return store.segments.insertFinal(input);
    const words = (input.words ?? []).filter((w) => (w.startMs + w.endMs) / 2 >= until);
    if (input.endMs > until && words.length > 0) {
      const { draftText: _draft, ...rest } = input;
      return store.segments.insertFinal({
        ...rest,
        startMs: Math.max(until, Math.min(...words.map((w) => w.startMs))),
        text: words.map((w) => w.text).join(' '),
        words,
      });
    }
    const committed = nearestCommitted(input);
    if (!committed) return store.segments.insertFinal(input);
    replayed.add(committed.id);
    return committed;
  };

  /** The committed row of the channel that overlaps the segment most (or is nearest to it). */
  const nearestCommitted = (input: NewSegment): SegmentWithWords | null => {
    let best: SegmentWithWords | null = null;
    let bestScore = -Infinity;
    for (const row of store.segments.list(meetingId)) {
      if (row.channel !== input.channel) continue;
      const overlap = Math.min(row.endMs, input.endMs) - Math.max(row.startMs, input.startMs);
      if (overlap > bestScore) {
        best = row;
        bestScore = overlap;
      }
    }
    return best;
  };

  return {
    replayed,
    meetings: {
      ...store.meetings,
      create: () => {
        throw new Error(`transcribe: the session must write into meeting ${meetingId}`);
      },
      updateState: (id: number, patch: MeetingStatePatch): Meeting => {
        const current = store.meetings.get(id)!;
        if (patch.durationMs !== undefined && patch.durationMs > current.durationMs) {
          return store.meetings.updateState(id, { durationMs: patch.durationMs });
        }
        return current;
      },
    },
    speakers: {
      ...store.speakers,
      add: (id, input) =>
        store.speakers.list(id).find((s) => s.label === input.label) ?? store.speakers.add(id, input),
    },
    segments: { ...store.segments, insertFinal },
  };
}
