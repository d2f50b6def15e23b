import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START, snippetParts, type Store } from '../../../main/store';
import { searchArchive } from '../../../main/store/search';
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

/** Segment hit texts (highlight marks removed) for a query. */
function hitTexts(query: string, extra: Parameters<Store['search']>[0] = {}): string[] {
  const result = store.search({ query, ...extra });
  if (!result.ok) throw new Error(result.message);
  return result.hits.map((h) => h.snippet.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, ''));
}

describe('search index stays in sync', () => {
  it('after a word correction: the old word is gone, the new one found', () => {
    const { segments } = seedMeeting(store);
    expect(hitTexts('resume')).toHaveLength(1);
    store.segments.correctWord(segments[0]?.id ?? 0, 1, 'proposal');
    expect(hitTexts('resume')).toEqual([]);
    expect(hitTexts('proposal')).toEqual(['The proposal budget is approved.']);
    expect(store.checkIntegrity({ searchIndex: true }).ok).toBe(true);
  });

  it('after a speaker rename: speaker: finds the new name, not the old', () => {
    const { ana } = seedMeeting(store);
    expect(hitTexts('speaker:ana')).toHaveLength(2);
    store.speakers.rename(ana.id, 'Beatriz');
    expect(hitTexts('speaker:ana')).toEqual([]);
    expect(hitTexts('budget speaker:beatriz')).toEqual(['The résumé budget is approved.']);
  });

  it('after deleting a meeting: none of its text or notes is found, the index is consistent', () => {
    const keep = seedMeeting(store, { title: 'Keep' });
    const gone = seedMeeting(store, { title: 'Gone' });
    store.meetings.delete(gone.meeting.id);
    const result = store.search({ query: 'budget' });
    expect(result.ok && result.hits.map((h) => h.meetingId)).toEqual([keep.meeting.id]);
    const notes = store.search({ query: 'hiring' });
    expect(notes.ok && notes.notes.map((h) => h.meetingId)).toEqual([keep.meeting.id]);
    expect(store.checkIntegrity({ searchIndex: true })).toEqual({ ok: true, problems: [] });
  });

  it('after a note edit and delete', () => {
    const { note } = seedMeeting(store);
    store.notes.update(note.id, 'Decide the travel plan');
    let r = store.search({ query: 'hiring' });
    expect(r.ok && r.notes).toEqual([]);
    r = store.search({ query: 'travel' });
    expect(r.ok && r.notes.map((n) => n.id)).toEqual([note.id]);
    store.notes.delete(note.id);
    r = store.search({ query: 'travel' });
    expect(r.ok && r.notes).toEqual([]);
  });
});

describe('query language', () => {
  beforeEach(() => {
    seedMeeting(store, { title: 'March', startedAt: new Date(2024, 2, 1, 9, 0).getTime() });
    const june = seedMeeting(store, { title: 'June', startedAt: new Date(2024, 5, 1, 9, 0).getTime() });
    store.segments.insertFinal({
      meetingId: june.meeting.id,
      channel: 'mic',
      speakerId: june.you.id,
      startMs: 20_000,
      endMs: 21_000,
      words: words('budget review budgeting'),
    });
  });

  it('is case- and accent-insensitive both ways', () => {
    expect(hitTexts('RESUME')).toHaveLength(2);
    expect(hitTexts('Résumé')).toHaveLength(2);
  });

  it('ANDs words, matches exact phrases, prefixes, and exclusions', () => {
    expect(hitTexts('roadmap great')).toHaveLength(2);
    expect(hitTexts('"next quarter"')).toHaveLength(2);
    expect(hitTexts('"quarter next"')).toEqual([]);
    expect(hitTexts('budg*')).toHaveLength(3);
    expect(hitTexts('"budget rev"*')).toEqual(['budget review budgeting']);
    expect(hitTexts('budget -approved')).toEqual(['budget review budgeting']);
    expect(hitTexts('budget -"is approved"')).toEqual(['budget review budgeting']);
  });

  it('runs exclusion-only and filter-only queries without MATCH', () => {
    const onlyExcluded = hitTexts('-budget');
    expect(onlyExcluded).toHaveLength(4);
    expect(onlyExcluded.some((t) => t.includes('budget'))).toBe(false);
    // Filters only: newest meeting first, each in transcript order.
    const result = store.search({ query: 'emotion:angry' });
    expect(result.ok && result.hits.map((h) => [h.meetingTitle, h.startMs])).toEqual([
      ['June', 7000],
      ['March', 7000],
    ]);
  });

  it('filters by speaker (word prefix, accents folded), emotion, dates and low confidence', () => {
    expect(hitTexts('budget speaker:maria')).toHaveLength(2);
    expect(hitTexts('budget speaker:"ana maría"')).toHaveLength(2);
    expect(hitTexts('budget speaker:you')).toEqual(['budget review budgeting']);
    expect(hitTexts('budget emotion:HAPPY')).toHaveLength(2);
    expect(hitTexts('budget after:2024-05-01')).toHaveLength(2);
    expect(hitTexts('budget before:2024-05-01')).toEqual(['The résumé budget is approved.']);
    expect(hitTexts('budget after:2024-03-01 before:2024-03-02')).toHaveLength(1);
    expect(hitTexts('lowconf')).toEqual(['The résumé budget is approved.', 'The résumé budget is approved.']);
  });

  it('accepts the same filters as structured parameters', () => {
    const r = store.search({ query: 'budget', emotions: ['happy'], from: new Date(2024, 4, 1).getTime() });
    expect(r.ok && r.hits.map((h) => h.meetingTitle)).toEqual(['June']);
    expect(hitTexts('', { lowConfidence: true, confidenceThreshold: 0.3 })).toEqual([]);
    expect(hitTexts('', { lowConfidence: true, confidenceThreshold: 0.96 })).toHaveLength(2);
  });

  it('highlights matched words in the snippet and returns where to open the meeting', () => {
    const r = store.search({ query: 'approved' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const hit = r.hits[0];
    expect(hit).toMatchObject({ kind: 'segment', startMs: 1000, speakerName: 'Ana María', emotion: 'happy' });
    expect(snippetParts(hit?.snippet ?? '')).toEqual([
      { text: 'The résumé budget is ', highlight: false },
      { text: 'approved', highlight: true },
      { text: '.', highlight: false },
    ]);
    expect(r.hits.every((h) => typeof h.rank === 'number')).toBe(true);
    expect(r.order).toBe('rank');
  });

  it('finds notes and bookmarks, not when segment-only filters are used', () => {
    const r = store.search({ query: 'migration' });
    expect(r.ok && r.notes.map((n) => [n.meetingTitle, n.startMs])).toEqual(
      expect.arrayContaining([
        ['March', 7500],
        ['June', 7500],
      ]),
    );
    const filtered = store.search({ query: 'migration speaker:ana' });
    expect(filtered.ok && filtered.notes).toEqual([]);
  });

  it('pages with limit/offset and says whether there is more', () => {
    const first = store.search({ query: 'the', limit: 2 });
    const second = store.search({ query: 'the', limit: 2, offset: 2 });
    const third = store.search({ query: 'the', limit: 2, offset: 4 });
    expect(first.ok && [first.hits.length, first.hasMore]).toEqual([2, true]);
    expect(second.ok && [second.hits.length, second.hasMore]).toEqual([2, true]);
    expect(third.ok && [third.hits.length, third.hasMore]).toEqual([2, false]);
    const ids = [first, second, third].flatMap((r) => (r.ok ? r.hits.map((h) => h.id) : []));
    expect(new Set(ids).size).toBe(6);
  });

  it('orders by recency instead of rank when there are too many matches to rank', () => {
    const r = searchArchive(store.ctx, { query: 'the' }, { rankLimit: 3 });
    expect(r.ok && r.order).toBe('recent');
    const ids = r.ok ? r.hits.map((h) => h.id) : [];
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(r.ok && r.hits.every((h) => h.rank === null)).toBe(true);
  });

  it('keeps combinations of common words newest first when ranking would need a second pass', () => {
    const m = store.meetings.create({ title: 'Fruit', startedAt: Date.UTC(2025, 0, 1), status: 'done' });
    const ids = ['red apple', 'red car', 'green apple', 'red apple pie'].map(
      (text, i) =>
        store.segments.insertFinal({
          meetingId: m.id,
          channel: 'mic',
          startMs: i * 1000,
          endMs: i * 1000 + 500,
          text,
        }).id,
    );
    // Each word is in 3 segments (> rankLimit 2); the phrase in 2: collected in one pass, newest first.
    const phrase = searchArchive(store.ctx, { query: '"red apple"', limit: 1 }, { rankLimit: 2 });
    expect(phrase.ok && [phrase.order, phrase.hits.map((h) => h.id), phrase.hasMore]).toEqual([
      'recent',
      [ids[3]],
      true,
    ]);
    expect(phrase.ok && phrase.hits[0]?.snippet).toBe(`${HIGHLIGHT_START}red apple${HIGHLIGHT_END} pie`);
    const next = searchArchive(store.ctx, { query: '"red apple"', limit: 1, offset: 1 }, { rankLimit: 2 });
    expect(next.ok && [next.hits.map((h) => h.id), next.hasMore]).toEqual([[ids[0]], false]);
    // With a filter the collected ids do not apply: the filtered query ranks.
    const filtered = searchArchive(store.ctx, { query: 'red apple', meetingIds: [m.id] }, { rankLimit: 2 });
    expect(filtered.ok && [filtered.order, filtered.hits.map((h) => h.id).sort()]).toEqual([
      'rank',
      [ids[0], ids[3]].sort(),
    ]);
    // A rare word among them: ranked directly.
    const rare = searchArchive(store.ctx, { query: 'red pie' }, { rankLimit: 2 });
    expect(rare.ok && [rare.order, rare.hits.map((h) => h.id)]).toEqual(['rank', [ids[3]]]);
  });

  it('gives a clear message for bad filters and an empty result for nothing searchable', () => {
    expect(store.search({ query: 'after:2024-02-30' })).toEqual({
      ok: false,
      message: expect.stringMatching(/after: expects a date as YYYY-MM-DD/),
    });
    expect(store.search({ query: '-speaker:ana' })).toMatchObject({ ok: false });
    expect(store.search({ query: '!!! ***' })).toMatchObject({ ok: true, hits: [], ignored: ['!!!', '***'] });
    expect(store.search({ query: '   ' })).toMatchObject({ ok: true, hits: [] });
  });
});
