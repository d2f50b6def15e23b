import { expect } from 'vitest';
import { openStore, type Store } from '../../../main/store';
import type { FinalEvent, SessionEvent } from '../../../main/pipeline';

export function memoryStore(): Store {
  return openStore(':memory:', { integrityCheck: 'never' });
}

export const finals = (events: SessionEvent[]): FinalEvent[] =>
  events.filter((e): e is FinalEvent => e.type === 'final');

/**
 * The partial/final contract on an event stream: one final per segment key, never a partial for a key after
 * its final, unique store ids, and finals whose words lie inside their segment.
 */
export function expectFinalContract(events: SessionEvent[]): void {
  const finalKeys = new Set<string>();
  const ids = new Set<number>();
  for (const e of events) {
    if (e.type === 'final') {
      expect(finalKeys.has(e.segmentKey), `second final for ${e.segmentKey}`).toBe(false);
      finalKeys.add(e.segmentKey);
      expect(ids.has(e.segmentId)).toBe(false);
      ids.add(e.segmentId);
      expect(e.text.length).toBeGreaterThan(0);
      for (const w of e.words) {
        expect(w.startMs).toBeGreaterThanOrEqual(e.startMs);
        expect(w.endMs).toBeLessThanOrEqual(e.endMs);
      }
      expect(e.emittedAt).toBeGreaterThanOrEqual(e.endpointAt);
    }
    if (e.type === 'partial')
      expect(finalKeys.has(e.segmentKey), `partial after final ${e.segmentKey}`).toBe(false);
    if (e.type === 'echo-dropped') expect(finalKeys.has(e.segmentKey)).toBe(false);
  }
}

/** Finals in the event stream are exactly the rows in the store, unchanged. */
export function expectStoreMatches(store: Store, meetingId: number, events: SessionEvent[]): void {
  const rows = store.segments.list(meetingId);
  const fs = finals(events);
  expect(rows.map((r) => r.id).sort()).toEqual(fs.map((f) => f.segmentId).sort());
  for (const f of fs) {
    const row = rows.find((r) => r.id === f.segmentId)!;
    expect(row).toMatchObject({
      channel: f.channel,
      text: f.text,
      speakerId: f.speaker.id,
      startMs: f.startMs,
      endMs: f.endMs,
    });
    expect(row.words.map((w) => w.text)).toEqual(f.words.map((w) => w.text));
  }
}

export const overlapS = (a: { startMs: number; endMs: number }, startS: number, endS: number): number =>
  Math.max(0, Math.min(a.endMs, endS * 1000) - Math.max(a.startMs, startS * 1000));
