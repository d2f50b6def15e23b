import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PayloadOf, Result } from '../../../main/api';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';

const ok = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
};

/** A Verbatim JSON meeting whose words carry the given confidences (the only import that keeps them). */
function meetingJson(title: string, segments: { text: string; conf: number[] }[]): string {
  return JSON.stringify({
    format: 'verbatim.meeting',
    version: 1,
    meeting: {
      title,
      startedAt: '2024-03-01T09:00:00.000Z',
      endedAt: null,
      durationMs: 60_000,
      language: 'en',
      status: 'done',
    },
    speakers: [{ key: 'a', label: 'S1', displayName: 'Ana', channel: 'system', colour: null }],
    segments: segments.map((s, i) => ({
      speaker: 'a',
      channel: 'system',
      startMs: i * 5000,
      endMs: i * 5000 + 4000,
      text: s.text,
      language: 'en',
      emotion: null,
      emotionScore: null,
      confidence: null,
      revision: 0,
      words: s.text.split(' ').map((text, k) => ({
        text,
        startMs: i * 5000 + k * 300,
        endMs: i * 5000 + k * 300 + 250,
        confidence: s.conf[k] ?? 0.99,
        originalText: null,
        reviewedAt: null,
      })),
    })),
    notes: [],
  });
}

describe('review through the contract', () => {
  let dir: string;
  let backend: InProcessBackend;
  let changes: PayloadOf<'archive.changed'>[];
  let meetingId: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-review-'));
    backend = await startInProcessBackend({ dataDir: dir });
    const { results } = ok(
      await backend.client.invoke('archive.import', {
        files: [
          {
            name: 'planning.json',
            text: meetingJson('Planning', [
              { text: 'we deploy to cuba nettys today', conf: [0.99, 0.99, 0.99, 0.3, 0.4, 0.99] },
              { text: 'the budged is approved', conf: [0.99, 0.6, 0.99, 0.99] },
              { text: 'Kubernetis scales well', conf: [0.8, 0.99, 0.99] },
              { text: 'we love kubernetis.', conf: [0.99, 0.99, 0.95] },
            ]),
          },
        ],
      }),
    );
    if (!results[0]?.ok) throw new Error('import failed');
    meetingId = results[0].meetingId;
    changes = [];
    backend.client.on('archive.changed', (c) => changes.push(c));
  });
  afterEach(async () => {
    await backend.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  const queue = async (params: { meetingId?: number } = {}) =>
    ok(await backend.client.invoke('review.queue', { ...params, limit: 50, offset: 0 }));
  const hits = async (query: string) => {
    const r = ok(await backend.client.invoke('search.query', { query }));
    return r.ok ? r.hits.map((h) => h.id) : [];
  };
  const settle = () => new Promise((r) => setTimeout(r, 10));

  it('ranks, accepts, corrects (search follows) and undoes, announcing every change', async () => {
    const first = await queue({ meetingId });
    expect(first.items.map((i) => i.text)).toEqual(['cuba nettys', 'budged', 'Kubernetis']);
    expect(first).toMatchObject({ total: 3, reviewed: 0, remaining: 4 });
    const [cuba, budged] = first.items;

    ok(await backend.client.invoke('review.accept', { segmentId: budged!.segmentId, ords: budged!.ords }));
    ok(
      await backend.client.invoke('review.correct', {
        segmentId: cuba!.segmentId,
        ords: cuba!.ords,
        text: 'Kubernetes',
      }),
    );
    expect(await hits('kubernetes')).toEqual([cuba!.segmentId]);
    expect(await hits('nettys')).toEqual([]);
    const after = await queue({ meetingId });
    expect(after.items.map((i) => i.text)).toEqual(['Kubernetis']);
    expect(after).toMatchObject({ reviewed: 2, remaining: 1 });
    const detail = ok(await backend.client.invoke('meetings.get', { meetingId }));
    expect(detail.segments[0]!.text).toBe('we deploy to Kubernetes today');
    expect(detail.segments[0]!.words[3]).toMatchObject({ text: 'Kubernetes', originalText: 'cuba nettys' });

    const undone = ok(await backend.client.invoke('review.undo', {}));
    expect(undone).toEqual({ undone: true, kind: 'correct', meetingIds: [meetingId], word: null });
    expect(await hits('nettys')).toEqual([cuba!.segmentId]);
    expect(await hits('kubernetes')).toEqual([]);
    expect((await queue()).items.map((i) => i.text)).toEqual(['cuba nettys', 'Kubernetis']);
    await settle();
    expect(changes).toEqual([
      { reason: 'updated', meetingIds: [meetingId] },
      { reason: 'updated', meetingIds: [meetingId] },
      { reason: 'updated', meetingIds: [meetingId] },
    ]);
  });

  it('fixes all occurrences in one step and undoes them in one step', async () => {
    const fixed = ok(
      await backend.client.invoke('review.fixAll', { meetingId, from: 'Kubernetis', to: 'Kubernetes' }),
    );
    expect(fixed.words).toBe(2);
    const detail = ok(await backend.client.invoke('meetings.get', { meetingId }));
    expect(detail.segments.slice(2).map((s) => s.text)).toEqual([
      'Kubernetes scales well',
      'we love Kubernetes.',
    ]);
    expect(await hits('kubernetis')).toEqual([]);
    ok(await backend.client.invoke('review.undo', {}));
    expect((await hits('kubernetis')).length).toBe(2);
    expect(ok(await backend.client.invoke('review.undo', {})).undone).toBe(false);
  });

  it('adds a word to the vocabulary once, and undo takes it out again', async () => {
    const seen: string[][] = [];
    backend.client.on('settings.changed', (s) => seen.push(s.vocabulary));
    expect(ok(await backend.client.invoke('review.addToVocabulary', { word: 'Kubernetis' }))).toEqual({
      added: true,
      vocabulary: ['Kubernetis'],
    });
    expect(ok(await backend.client.invoke('review.addToVocabulary', { word: 'kubernetis' })).added).toBe(
      false,
    );
    expect(ok(await backend.client.invoke('settings.get', {})).vocabulary).toEqual(['Kubernetis']);
    expect(ok(await backend.client.invoke('review.undo', {}))).toMatchObject({
      kind: 'vocabulary',
      word: 'Kubernetis',
    });
    expect(ok(await backend.client.invoke('settings.get', {})).vocabulary).toEqual([]);
    await settle();
    expect(seen).toEqual([['Kubernetis'], []]);
  });

  it('answers typed errors for bad input', async () => {
    const missing = await backend.client.invoke('review.queue', { meetingId: 999 });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
    const { items } = await queue();
    const gap = await backend.client.invoke('review.accept', {
      segmentId: items[0]!.segmentId,
      ords: [0, 2],
    });
    expect(!gap.ok && gap.error.code).toBe('INVALID_PARAMS');
    const empty = await backend.client.invoke('review.correct', {
      segmentId: items[0]!.segmentId,
      ords: [0],
      text: ' ',
    });
    expect(!empty.ok && empty.error.code).toBe('INVALID_PARAMS');
    const noSegment = await backend.client.invoke('review.accept', { segmentId: 12345, ords: [0] });
    expect(!noSegment.ok && noSegment.error.code).toBe('NOT_FOUND');
  });
});
