import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenStoreOptions, type Store } from '../../../main/store';
import type { NewWord } from '../../../main/store/repositories/segments';

/** A temp folder per test file, removed by the returned cleanup. */
export function tempDir(prefix = 'verbatim-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock that advances one second per reading, from a fixed date. */
export function fakeClock(start = Date.UTC(2024, 4, 1, 12, 0, 0)): () => number {
  let t = start;
  return () => (t += 1000);
}

export function openTestStore(dir: string, name = 'archive.db', options: OpenStoreOptions = {}): Store {
  return openStore(join(dir, name), { now: fakeClock(), ...options });
}

/** Words of a sentence, 300 ms apart, with the given confidences (default 0.99). */
export function words(text: string, startMs = 0, confidences: number[] = []): NewWord[] {
  return text.split(' ').map((w, i) => ({
    text: w,
    startMs: startMs + i * 300,
    endMs: startMs + i * 300 + 250,
    confidence: confidences[i] ?? 0.99,
  }));
}

/**
 * A small meeting: Ana (system) and You (mic), three segments, a note and a bookmark.
 * Returns the ids a test needs.
 */
export function seedMeeting(
  store: Store,
  options: { title?: string; startedAt?: number; status?: 'done' | 'recording' } = {},
) {
  const meeting = store.meetings.create({
    title: options.title ?? 'Quarterly planning',
    startedAt: options.startedAt ?? Date.UTC(2024, 2, 1, 9, 0),
    status: options.status ?? 'done',
    durationMs: 30_000,
  });
  const ana = store.speakers.add(meeting.id, { label: 'S1', displayName: 'Ana María', channel: 'system' });
  const you = store.speakers.add(meeting.id, { label: 'you', displayName: 'You', channel: 'mic' });
  const s1 = store.segments.insertFinal({
    meetingId: meeting.id,
    speakerId: ana.id,
    channel: 'system',
    startMs: 1000,
    endMs: 3000,
    text: 'The résumé budget is approved.',
    emotion: 'happy',
    emotionScore: 0.8,
    words: words('The résumé budget is approved.', 1000, [0.99, 0.42, 0.97, 0.99, 0.95]),
  });
  const s2 = store.segments.insertFinal({
    meetingId: meeting.id,
    speakerId: you.id,
    channel: 'mic',
    startMs: 4000,
    endMs: 6000,
    words: words('Great news about the roadmap', 4000),
    emotion: 'neutral',
  });
  const s3 = store.segments.insertFinal({
    meetingId: meeting.id,
    speakerId: ana.id,
    channel: 'system',
    startMs: 7000,
    endMs: 9000,
    words: words('We migrate the database next quarter', 7000),
    emotion: 'angry',
  });
  const note = store.notes.add(meeting.id, { atMs: null, kind: 'note', text: 'Decide the hiring plan' });
  const bookmark = store.notes.add(meeting.id, { atMs: 7500, kind: 'bookmark', text: 'migration date' });
  return { meeting, ana, you, segments: [s1, s2, s3], note, bookmark };
}
