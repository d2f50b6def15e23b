import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../main/store';
import { openTestStore, seedMeeting, tempDir, words } from './helpers';

let store: Store;
let cleanup: () => void;
beforeEach(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  store = openTestStore(t.dir);
});
afterEach(() => {
  store.close();
  cleanup();
});

const count = (table: string): number =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('meetings', () => {
  it('list newest first with speaker and segment counts, and page', () => {
    seedMeeting(store, { title: 'Older', startedAt: Date.UTC(2024, 0, 1) });
    seedMeeting(store, { title: 'Newer', startedAt: Date.UTC(2024, 5, 1) });
    const list = store.meetings.list();
    expect(list.map((m) => [m.title, m.speakerCount, m.segmentCount])).toEqual([
      ['Newer', 2, 3],
      ['Older', 2, 3],
    ]);
    expect(store.meetings.list({ limit: 1, offset: 1 }).map((m) => m.title)).toEqual(['Older']);
  });

  it('return the full meeting: speakers, segments in time order with words in order, notes', () => {
    const { meeting } = seedMeeting(store);
    // Written out of order, read back in time order.
    store.segments.insertFinal({
      meetingId: meeting.id,
      channel: 'mic',
      startMs: 500,
      endMs: 900,
      words: words('early bird'),
    });
    const detail = store.meetings.detail(meeting.id);
    expect(detail?.segments.map((s) => s.startMs)).toEqual([500, 1000, 4000, 7000]);
    expect(detail?.segments[1]?.words.map((w) => w.ord)).toEqual([0, 1, 2, 3, 4]);
    expect(detail?.notes.map((n) => n.text)).toEqual(['Decide the hiring plan', 'migration date']);
    expect(store.meetings.detail(9999)).toBeNull();
  });

  it('log title edits with the old and new value', () => {
    const { meeting } = seedMeeting(store);
    store.meetings.setTitle(meeting.id, '  Q2   planning\n');
    expect(store.meetings.get(meeting.id)?.title).toBe('Q2 planning');
    expect(store.meetings.edits(meeting.id).map((e) => [e.table, e.field, e.oldValue, e.newValue])).toEqual([
      ['meetings', 'title', 'Quarterly planning', 'Q2 planning'],
    ]);
  });

  it('delete with everything that belongs to the meeting, and nothing of other meetings', () => {
    const keep = seedMeeting(store, { title: 'Keep' });
    const gone = seedMeeting(store, { title: 'Gone' });
    store.meetings.setTitle(gone.meeting.id, 'Gone for good');
    expect(store.meetings.delete(gone.meeting.id)?.title).toBe('Gone for good');
    expect(store.meetings.delete(gone.meeting.id)).toBeNull();
    expect([
      count('meetings'),
      count('speakers'),
      count('segments'),
      count('words'),
      count('notes'),
      count('edits'),
    ]).toEqual([1, 2, 3, 16, 2, 0]);
    expect(store.meetings.detail(keep.meeting.id)?.segments).toHaveLength(3);
  });
});

describe('insertFinalSegment', () => {
  it('stores the segment and its words, computing the lowest unreviewed confidence', () => {
    const { segments } = seedMeeting(store);
    const [first] = segments;
    expect(first?.minWordConfidence).toBe(0.42);
    expect(store.segments.get(first?.id ?? 0)).toEqual(first);
  });

  it('joins word texts when no text is given, without spaces between CJK characters', () => {
    const { meeting } = seedMeeting(store);
    const zh = store.segments.insertFinal({
      meetingId: meeting.id,
      channel: 'mic',
      startMs: 0,
      endMs: 900,
      words: [
        { text: '我们', startMs: 0, endMs: 300 },
        { text: '开会', startMs: 300, endMs: 600 },
        { text: 'OK', startMs: 600, endMs: 900 },
      ],
    });
    expect(zh.text).toBe('我们开会 OK');
  });

  it('writes nothing when any word is invalid (one transaction)', () => {
    const { meeting } = seedMeeting(store);
    const before = [count('segments'), count('words')];
    expect(() =>
      store.segments.insertFinal({
        meetingId: meeting.id,
        channel: 'mic',
        startMs: 0,
        endMs: 1000,
        words: [
          { text: 'fine', startMs: 0, endMs: 100 },
          { text: 'broken', startMs: 500, endMs: 100 },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID' }));
    expect([count('segments'), count('words')]).toEqual(before);
  });

  it('rolls back the segment row when a word insert fails inside the transaction', () => {
    const { meeting } = seedMeeting(store);
    const before = [count('segments'), count('words')];
    // A trigger that fails on the second word of this segment: the segment row must go too.
    store.db.exec(`CREATE TEMP TRIGGER fail_word BEFORE INSERT ON words WHEN NEW.text = 'boom'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
    expect(() =>
      store.segments.insertFinal({
        meetingId: meeting.id,
        channel: 'mic',
        startMs: 0,
        endMs: 1000,
        words: words('tick boom'),
      }),
    ).toThrow(/disk full/);
    expect([count('segments'), count('words')]).toEqual(before);
    expect(store.search({ query: 'tick' })).toMatchObject({ ok: true, hits: [] });
  });

  it("rejects a speaker of another meeting, and a meeting that doesn't exist", () => {
    const a = seedMeeting(store);
    const b = seedMeeting(store);
    expect(() =>
      store.segments.insertFinal({
        meetingId: b.meeting.id,
        speakerId: a.ana.id,
        channel: 'system',
        startMs: 0,
        endMs: 1,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID' }));
    expect(() =>
      store.segments.insertFinal({ meetingId: 999, channel: 'system', startMs: 0, endMs: 1 }),
    ).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('strips control characters, which would collide with the highlight markers', () => {
    const { meeting } = seedMeeting(store);
    const s = store.segments.insertFinal({
      meetingId: meeting.id,
      channel: 'mic',
      startMs: 0,
      endMs: 1,
      text: 'a\u0002b\u0003c\u0000d',
    });
    expect(s.text).toBe('abcd');
  });
});

describe('word review', () => {
  it('correcting keeps the original, marks reviewed, rewrites only that word in the text, bumps the revision, logs', () => {
    const { meeting, segments } = seedMeeting(store);
    const segmentId = segments[0]?.id ?? 0;
    const updated = store.segments.correctWord(segmentId, 1, 'CV');
    expect(updated.text).toBe('The CV budget is approved.');
    expect(updated.revision).toBe(1);
    expect(updated.words[1]).toMatchObject({ text: 'CV', originalText: 'résumé' });
    expect(updated.words[1]?.reviewedAt).toEqual(expect.any(Number));
    // The only flagged word was corrected: the segment no longer counts as low confidence.
    expect(updated.minWordConfidence).toBe(0.95);
    // A second correction keeps the recognizer's text, not the first correction.
    expect(store.segments.correctWord(segmentId, 1, 'C.V.').words[1]?.originalText).toBe('résumé');
    expect(
      store.meetings.edits(meeting.id).map((e) => [e.table, e.rowId, e.field, e.oldValue, e.newValue]),
    ).toEqual([
      ['segments', segmentId, 'word[1]', 'résumé', 'CV'],
      ['segments', segmentId, 'word[1]', 'CV', 'C.V.'],
    ]);
  });

  it('accepting a word clears its flag without changing text', () => {
    const { segments } = seedMeeting(store);
    const word = store.segments.acceptWord(segments[0]?.id ?? 0, 1);
    expect(word.text).toBe('résumé');
    expect(word.originalText).toBeNull();
    expect(word.reviewedAt).toEqual(expect.any(Number));
    expect(store.segments.get(segments[0]?.id ?? 0)?.minWordConfidence).toBe(0.95);
  });

  it('rejects an empty correction and an unknown word', () => {
    const { segments } = seedMeeting(store);
    expect(() => store.segments.correctWord(segments[0]?.id ?? 0, 0, '  ')).toThrow(
      expect.objectContaining({ code: 'INVALID' }),
    );
    expect(() => store.segments.correctWord(segments[0]?.id ?? 0, 99, 'x')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => store.segments.correctWord(123456, 0, 'x')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});

describe('speakers', () => {
  it('rename shows the new name on every segment of the meeting and is logged; null goes back to the label', () => {
    const { meeting, ana } = seedMeeting(store);
    store.speakers.rename(ana.id, 'Ana Lopez');
    const detail = store.meetings.detail(meeting.id);
    const names = detail?.segments.map(
      (s) => detail.speakers.find((sp) => sp.id === s.speakerId)?.displayName,
    );
    expect(names).toEqual(['Ana Lopez', 'You', 'Ana Lopez']);
    expect(store.speakers.rename(ana.id, null).displayName).toBeNull();
    expect(store.meetings.edits(meeting.id).map((e) => [e.oldValue, e.newValue])).toEqual([
      ['Ana María', 'Ana Lopez'],
      ['Ana Lopez', null],
    ]);
  });

  it('merge moves every segment to the other speaker and removes the first', () => {
    const { meeting, ana, you } = seedMeeting(store);
    store.speakers.merge(ana.id, you.id);
    expect(store.speakers.list(meeting.id).map((s) => s.id)).toEqual([you.id]);
    expect(store.meetings.detail(meeting.id)?.segments.every((s) => s.speakerId === you.id)).toBe(true);
  });

  it('labels are unique per meeting', () => {
    const { meeting } = seedMeeting(store);
    expect(() => store.speakers.add(meeting.id, { label: 'S1', channel: 'system' })).toThrow(
      expect.objectContaining({ code: 'INVALID' }),
    );
  });
});

describe('notes and voiceprints', () => {
  it('notes keep line breaks, can be edited (logged) and deleted', () => {
    const { meeting, note } = seedMeeting(store);
    const edited = store.notes.update(note.id, 'Line one\r\nLine two');
    expect(edited.text).toBe('Line one\nLine two');
    expect(store.notes.delete(note.id)).toBe(true);
    expect(store.notes.list(meeting.id).map((n) => n.kind)).toEqual(['bookmark']);
    expect(store.meetings.edits(meeting.id).map((e) => e.field)).toEqual(['text', 'deleted']);
  });

  it('voiceprint embeddings round-trip exactly; deleting one unlinks speakers', () => {
    const { ana } = seedMeeting(store);
    const embedding = Float32Array.from({ length: 192 }, (_, i) => Math.sin(i) * 1e-3 + i);
    const vp = store.voiceprints.add({ name: 'Ana', embedding, modelId: 'campplus-v1' });
    expect(Array.from(store.voiceprints.get(vp.id)?.embedding ?? [])).toEqual(Array.from(embedding));
    store.speakers.linkVoiceprint(ana.id, vp.id);
    expect(store.voiceprints.delete(vp.id)).toBe(true);
    expect(store.speakers.get(ana.id)?.voiceprintId).toBeNull();
    expect(store.speakers.get(ana.id)?.displayName).toBe('Ana María');
  });
});
