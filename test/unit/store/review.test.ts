import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../main/store';
import { openTestStore, tempDir, words } from './helpers';

let dir: ReturnType<typeof tempDir>;
let store: Store;

beforeEach(() => {
  dir = tempDir();
  store = openTestStore(dir.dir);
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

const base = { threshold: 0.9, vocabulary: [] as string[], limit: 50, offset: 0 };

/** A meeting with a named system speaker; segments are given as text + per-word confidences. */
function meeting(
  title: string,
  segments: { text: string; conf: number[]; draftText?: string; startMs?: number }[],
  startedAt = Date.UTC(2024, 2, 1, 9),
) {
  const m = store.meetings.create({ title, startedAt, status: 'done', durationMs: 60_000 });
  const ana = store.speakers.add(m.id, { label: 'S1', displayName: 'Ana', channel: 'system' });
  const ids = segments.map((s, i) => {
    const startMs = s.startMs ?? i * 5000;
    return store.segments.insertFinal({
      meetingId: m.id,
      speakerId: ana.id,
      channel: 'system',
      startMs,
      endMs: startMs + 4000,
      words: words(s.text, startMs, s.conf),
      draftText: s.draftText,
    }).id;
  });
  return { meetingId: m.id, ids };
}

const hitIds = (query: string) => {
  const result = store.search({ query });
  return result.ok ? result.hits.map((h) => h.id) : [];
};

describe('review queue (store)', () => {
  it('ranks spans across the archive, most likely wrong first, with context and counts', () => {
    const a = meeting('Planning', [
      { text: 'we ship the widget on Friday', conf: [0.99, 0.99, 0.99, 0.7, 0.99, 0.99] },
      { text: 'the budget is fine', conf: [0.99, 0.2, 0.3, 0.99] },
    ]);
    const b = meeting(
      'Retro',
      [{ text: 'nothing to add here', conf: [0.99, 0.99, 0.99, 0.99], draftText: 'nothing to ad' }],
      Date.UTC(2024, 2, 2, 9),
    );
    const queue = store.review.queue(base);
    expect(queue.items.map((i) => [i.segmentId, i.ords])).toEqual([
      [a.ids[1], [1, 2]], // 1 - 0.2 * 0.3 = 0.94
      [b.ids[0], [2, 3]], // "add here" not in the draft: 1 - (0.99 * 0.7)^2 = 0.52
      [a.ids[0], [3]], // 1 - 0.7 = 0.3
    ]);
    expect(queue.items.map((i) => i.score)).toEqual([
      expect.closeTo(0.94, 6),
      expect.closeTo(1 - (0.99 * 0.7) ** 2, 6),
      expect.closeTo(0.3, 6),
    ]);
    const first = queue.items[0]!;
    expect(first).toMatchObject({
      meetingId: a.meetingId,
      meetingTitle: 'Planning',
      text: 'budget is',
      before: 'the',
      after: 'fine',
      reasons: ['low-confidence'],
      confidence: 0.2,
      speaker: 'Ana',
      channel: 'system',
    });
    expect(queue.items[1]).toMatchObject({ draftText: 'nothing to ad', reasons: ['draft-changed'] });
    expect(queue.items[2]!.draftText).toBeNull();
    expect(queue.total).toBe(3);
    expect(queue.remaining).toBe(5);
    expect(queue.reviewed).toBe(0);
    // Scoped to one meeting, paged.
    const scoped = store.review.queue({ ...base, meetingId: a.meetingId, limit: 1, offset: 1 });
    expect(scoped.items.map((i) => i.id)).toEqual([`${a.ids[0]}:3-3`]);
    expect(scoped.total).toBe(2);
  });

  it('accept marks the words verified, they leave the queue and count as reviewed; undo brings them back', () => {
    const a = meeting('Planning', [{ text: 'the budget is fine', conf: [0.99, 0.2, 0.3, 0.99] }]);
    const change = store.review.accept(a.ids[0]!, [1, 2]);
    expect(change).toEqual({ meetingId: a.meetingId, segmentIds: [a.ids[0]], words: 2 });
    expect(store.segments.get(a.ids[0]!)!.words.map((w) => w.reviewedAt !== null)).toEqual([
      false,
      true,
      true,
      false,
    ]);
    let queue = store.review.queue(base);
    expect(queue.items).toEqual([]);
    expect([queue.reviewed, queue.remaining]).toEqual([2, 0]);
    expect(store.segments.get(a.ids[0]!)!.minWordConfidence).toBe(0.99);

    expect(store.review.undo()).toMatchObject({ kind: 'accept', meetingId: a.meetingId });
    queue = store.review.queue(base);
    expect(queue.items.map((i) => i.ords)).toEqual([[1, 2]]);
    expect(queue.reviewed).toBe(0);
    expect(store.segments.get(a.ids[0]!)!.minWordConfidence).toBe(0.2);
    expect(store.review.undo()).toBeNull();
  });

  it('correct keeps the original, verifies, updates search; undo restores text and index', () => {
    const a = meeting('Planning', [
      { text: 'deploy to cuba nettys today', conf: [0.99, 0.99, 0.4, 0.5, 0.99] },
    ]);
    const segmentId = a.ids[0]!;
    expect(hitIds('nettys')).toEqual([segmentId]);

    // Two words become one: the run is replaced and later words renumbered.
    store.review.correct(segmentId, [2, 3], 'Kubernetes');
    const edited = store.segments.get(segmentId)!;
    expect(edited.text).toBe('deploy to Kubernetes today');
    expect(edited.words.map((w) => [w.ord, w.text])).toEqual([
      [0, 'deploy'],
      [1, 'to'],
      [2, 'Kubernetes'],
      [3, 'today'],
    ]);
    expect(edited.words[2]).toMatchObject({ originalText: 'cuba nettys', confidence: null });
    expect(edited.words[2]!.reviewedAt).not.toBeNull();
    expect(edited.words[3]!.startMs).toBe(1200); // the word after keeps its timing
    expect(hitIds('kubernetes')).toEqual([segmentId]);
    expect(hitIds('nettys')).toEqual([]);
    expect(store.review.queue(base).items).toEqual([]);
    expect(store.meetings.edits(a.meetingId).map((e) => [e.field, e.oldValue, e.newValue])).toEqual([
      ['words[2..3]', 'cuba nettys', 'Kubernetes'],
    ]);

    expect(store.review.undo()).toMatchObject({ kind: 'correct', segmentIds: [segmentId] });
    const restored = store.segments.get(segmentId)!;
    expect(restored.text).toBe('deploy to cuba nettys today');
    expect(restored.words.map((w) => [w.text, w.confidence, w.reviewedAt])).toEqual(
      words('deploy to cuba nettys today', 0, [0.99, 0.99, 0.4, 0.5, 0.99]).map((w) => [
        w.text,
        w.confidence,
        null,
      ]),
    );
    expect(hitIds('nettys')).toEqual([segmentId]);
    expect(hitIds('kubernetes')).toEqual([]);
    expect(store.checkIntegrity({ searchIndex: true })).toEqual({ ok: true, problems: [] });
  });

  it('a same-length correction edits each word in place (timing and confidence kept)', () => {
    const a = meeting('Planning', [{ text: 'the budged is fine', conf: [0.99, 0.4, 0.99, 0.99] }]);
    store.review.correct(a.ids[0]!, [1], 'budget');
    const w = store.segments.get(a.ids[0]!)!.words[1]!;
    expect(w).toMatchObject({ text: 'budget', originalText: 'budged', confidence: 0.4, startMs: 300 });
  });

  it('fix all replaces every occurrence in the meeting only, punctuation kept; one undo reverts all', () => {
    const a = meeting('Planning', [
      { text: 'Kubernetis is up', conf: [0.5, 0.99, 0.99] },
      { text: 'we like kubernetis, really', conf: [0.99, 0.99, 0.97, 0.99] },
    ]);
    const other = meeting('Other', [{ text: 'kubernetis elsewhere', conf: [0.99, 0.99] }]);
    const change = store.review.fixAll(a.meetingId, 'kubernetis', 'Kubernetes');
    expect(change).toEqual({ meetingId: a.meetingId, segmentIds: a.ids, words: 2 });
    expect(a.ids.map((id) => store.segments.get(id)!.text)).toEqual([
      'Kubernetes is up',
      'we like Kubernetes, really',
    ]);
    expect(store.segments.get(other.ids[0]!)!.text).toBe('kubernetis elsewhere');
    expect(hitIds('kubernetis')).toEqual([other.ids[0]]);

    store.review.undo();
    expect(a.ids.map((id) => store.segments.get(id)!.text)).toEqual([
      'Kubernetis is up',
      'we like kubernetis, really',
    ]);
    expect(hitIds('kubernetis').sort()).toEqual([...a.ids, other.ids[0]].sort());
    expect(store.review.queue({ ...base, meetingId: a.meetingId }).items.map((i) => i.ords)).toEqual([[0]]);
  });

  it('refuses to undo over a later edit of the same segment, then reaches the action before it', () => {
    const a = meeting('Planning', [
      { text: 'alpha beta', conf: [0.5, 0.99] },
      { text: 'gamma delta', conf: [0.5, 0.99] },
    ]);
    store.review.accept(a.ids[0]!, [0]);
    store.review.correct(a.ids[1]!, [0], 'Gamma');
    store.segments.correctWord(a.ids[1]!, 1, 'Delta'); // edited on the meeting page afterwards
    expect(() => store.review.undo()).toThrow(/can no longer be undone/);
    expect(store.segments.get(a.ids[1]!)!.text).toBe('Gamma Delta');
    expect(store.review.undo()).toMatchObject({ kind: 'accept', segmentIds: [a.ids[0]] });
  });

  it('journals vocabulary additions for undo', () => {
    store.review.recordVocabularyAddition('Kubernetes');
    expect(store.review.undo()).toMatchObject({ kind: 'vocabulary', word: 'Kubernetes', meetingId: null });
  });

  it('counts rarity through the search index once the archive is big enough', () => {
    const filler = Array.from({ length: 12 }, (_, i) => ({
      text: 'common words here',
      conf: [0.99, 0.99, 0.99],
      startMs: i * 5000,
    }));
    meeting('Filler', filler);
    const a = meeting('Planning', [{ text: 'common Zorbly words', conf: [0.99, 0.93, 0.99] }]);
    expect(store.review.queue({ ...base, minArchiveSegments: 100 }).items).toEqual([]);
    const queue = store.review.queue({ ...base, minArchiveSegments: 10 });
    expect(queue.items.map((i) => [i.segmentId, i.text, i.reasons])).toEqual([
      [a.ids[0], 'Zorbly', ['unknown-word']],
    ]);
    expect(store.review.queue({ ...base, minArchiveSegments: 10, vocabulary: ['zorbly'] }).items).toEqual([]);
  });

  it('ranks at most maxCandidates segments, lowest confidence first, and says the counts are a floor', () => {
    const a = meeting('Planning', [
      { text: 'alpha beta', conf: [0.8, 0.99] },
      { text: 'gamma delta', conf: [0.2, 0.99] },
      { text: 'epsilon zeta', conf: [0.5, 0.99] },
    ]);
    const capped = store.review.queue({ ...base, maxCandidates: 2 });
    expect(capped.items.map((i) => i.segmentId)).toEqual([a.ids[1], a.ids[2]]);
    expect(capped.capped).toBe(true);
    expect(store.review.queue({ ...base, maxCandidates: 3 }).capped).toBe(false);
  });

  it('rejects a run that is not consecutive words of the segment', () => {
    const a = meeting('Planning', [{ text: 'one two three', conf: [0.5, 0.5, 0.5] }]);
    expect(() => store.review.accept(a.ids[0]!, [0, 2])).toThrow(/not a run/);
    expect(() => store.review.correct(a.ids[0]!, [5], 'x')).toThrow(/not a run/);
    expect(() => store.review.correct(a.ids[0]!, [0], '  ')).toThrow(/cannot be empty/);
    expect(() => store.review.accept(999, [0])).toThrow(/does not exist/);
  });

  it('forgets a meeting’s undo history when the meeting is deleted', () => {
    const a = meeting('Planning', [{ text: 'one two', conf: [0.5, 0.99] }]);
    store.review.accept(a.ids[0]!, [0]);
    store.meetings.delete(a.meetingId);
    expect(store.review.undo()).toBeNull();
  });
});
