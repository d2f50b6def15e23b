import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START, type PayloadOf } from '../../../main/api';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';

const VTT = `WEBVTT

00:00:01.000 --> 00:00:04.000
<v Alice>We should ship the quarterly roadmap on Friday.

00:00:05.000 --> 00:00:08.000
<v Bob>Agreed, the roadmap needs one more review.
`;

const ok = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
};

describe('archive through the contract', () => {
  let dir: string;
  let backend: InProcessBackend;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-archive-'));
    backend = await startInProcessBackend({ dataDir: dir });
  });
  afterEach(async () => {
    await backend.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  async function importVtt(name = 'sync.vtt', text = VTT) {
    const { results } = ok(await backend.client.invoke('archive.import', { files: [{ name, text }] }));
    return results[0]!;
  }

  it('imports a VTT, finds it by search, and announces the change', async () => {
    const changes: PayloadOf<'archive.changed'>[] = [];
    backend.client.on('archive.changed', (c) => changes.push(c));
    const result = await importVtt();
    expect(result).toMatchObject({ ok: true, title: 'sync', segments: 2 });
    const found = ok(await backend.client.invoke('search.query', { query: 'roadmap' }));
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.hits).toHaveLength(2);
    expect(found.hits[0]!.snippet).toContain(`${HIGHLIGHT_START}roadmap${HIGHLIGHT_END}`);
    expect(found.hits.map((h) => h.speakerName).sort()).toEqual(['Alice', 'Bob']);
    await new Promise((r) => setTimeout(r, 10));
    expect(changes).toEqual([{ reason: 'imported', meetingIds: [result.ok ? result.meetingId : -1] }]);
  });

  it('reports a broken file with its line and imports nothing from it, while a good one imports', async () => {
    const broken = 'WEBVTT\n\n00:00:01.000 --> banana\nhello\n';
    const { results } = ok(
      await backend.client.invoke('archive.import', {
        files: [
          { name: 'broken.vtt', text: broken },
          { name: 'good.vtt', text: VTT },
          { name: 'notes.docx', text: 'PK\u0003\u0004' },
        ],
      }),
    );
    expect(results[0]).toMatchObject({ name: 'broken.vtt', ok: false, line: 3 });
    expect(results[1]).toMatchObject({ name: 'good.vtt', ok: true });
    expect(results[2]).toMatchObject({ name: 'notes.docx', ok: false });
    const list = ok(await backend.client.invoke('meetings.list', {}));
    expect(list.total).toBe(1);
  });

  it('renames a speaker everywhere and search follows', async () => {
    const imported = await importVtt();
    if (!imported.ok) throw new Error('import failed');
    const detail = ok(await backend.client.invoke('meetings.get', { meetingId: imported.meetingId }));
    const alice = detail.speakers.find((s) => s.label === 'Alice')!;
    ok(await backend.client.invoke('speakers.rename', { speakerId: alice.id, displayName: 'Alice Chen' }));
    const found = ok(await backend.client.invoke('search.query', { query: 'speaker:chen roadmap' }));
    expect(found.ok && found.hits.map((h) => h.speakerName)).toEqual(['Alice Chen']);
  });

  it('exports Markdown with the renamed speaker and a safe file name', async () => {
    const imported = await importVtt('Q3: plan/../../etc.vtt');
    if (!imported.ok) throw new Error('import failed');
    const detail = ok(await backend.client.invoke('meetings.get', { meetingId: imported.meetingId }));
    const bob = detail.speakers.find((s) => s.label === 'Bob')!;
    ok(await backend.client.invoke('speakers.rename', { speakerId: bob.id, displayName: 'Robert' }));
    const file = ok(
      await backend.client.invoke('archive.export', { meetingId: imported.meetingId, format: 'markdown' }),
    );
    expect(file.fileName).toMatch(/\.md$/);
    expect(file.fileName).not.toMatch(/[/\\]/);
    expect(file.mimeType).toContain('markdown');
    expect(file.content).toContain('Robert');
    expect(file.content).toContain('roadmap');
  });

  it('JSON export imports back to an identical export', async () => {
    const imported = await importVtt();
    if (!imported.ok) throw new Error('import failed');
    const first = ok(
      await backend.client.invoke('archive.export', { meetingId: imported.meetingId, format: 'json' }),
    );
    const again = await importVtt('again.json', first.content);
    if (!again.ok) throw new Error(`re-import failed: ${JSON.stringify(again)}`);
    const second = ok(
      await backend.client.invoke('archive.export', { meetingId: again.meetingId, format: 'json' }),
    );
    const strip = (text: string) =>
      JSON.parse(text, (key, value) => (key === 'id' || key.endsWith('Id') ? undefined : value));
    expect(strip(second.content)).toEqual(strip(first.content));
  });

  it('gives typed errors for unknown ids and bad queries, never exceptions', async () => {
    expect(await backend.client.invoke('meetings.get', { meetingId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(
      await backend.client.invoke('speakers.rename', { speakerId: 999, displayName: 'X' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    for (const query of ['"unterminated', 'NEAR(a b', 'text:*', ')))', '-', 'AND OR NOT']) {
      const result = await backend.client.invoke('search.query', { query });
      expect(result.ok, query).toBe(true);
    }
  });

  it('deletes a meeting and its search entries', async () => {
    const imported = await importVtt();
    if (!imported.ok) throw new Error('import failed');
    ok(await backend.client.invoke('meetings.delete', { meetingId: imported.meetingId }));
    const found = ok(await backend.client.invoke('search.query', { query: 'roadmap' }));
    expect(found.ok && found.hits).toEqual([]);
    expect(await backend.client.invoke('meetings.delete', { meetingId: imported.meetingId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('deleting a meeting', () => {
  it('removes its recording folder inside the data folder, and never one outside it', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { existsSync } = await import('node:fs');
    const { openArchive } = await import('../../../main/backend/handlers/archive');
    const dir = await mkdtemp(join(tmpdir(), 'verbatim-del-'));
    const outside = await mkdtemp(join(tmpdir(), 'verbatim-outside-'));
    const inside = join(dir, 'recordings', 'm1');
    await mkdir(inside, { recursive: true });
    await writeFile(join(inside, 'mic.wav'), 'x');
    await writeFile(join(outside, 'keep.txt'), 'x');
    const store = openArchive(dir);
    const a = store.meetings.create({ title: 'a', audioDir: inside });
    const b = store.meetings.create({ title: 'b', audioDir: outside });
    store.close();
    const backend = await startInProcessBackend({ dataDir: dir });
    try {
      expect((await backend.client.invoke('meetings.delete', { meetingId: a.id })).ok).toBe(true);
      expect((await backend.client.invoke('meetings.delete', { meetingId: b.id })).ok).toBe(true);
      expect(existsSync(inside)).toBe(false);
      expect(existsSync(join(outside, 'keep.txt'))).toBe(true);
    } finally {
      await backend.shutdown();
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
