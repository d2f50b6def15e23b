import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  inspectArchive,
  LATEST_SCHEMA_VERSION,
  openStore,
  rebuildSearchIndex,
  restoreArchive,
} from '../../../main/store';
import { openTestStore, seedMeeting, tempDir, words } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('start-up recovery', () => {
  it('marks meetings left recording, paused or finalizing as interrupted, keeping every final and the audio folder', () => {
    let store = openTestStore(dir);
    const live = seedMeeting(store, { status: 'recording' });
    store.meetings.updateState(live.meeting.id, { audioDir: '/data/audio/1', durationMs: 0 });
    store.segments.insertFinal({
      meetingId: live.meeting.id,
      channel: 'mic',
      startMs: 12_000,
      endMs: 15_500,
      words: words('last words'),
    });
    const paused = store.meetings.create({ title: 'Paused', startedAt: 1_000, status: 'paused' });
    const finished = seedMeeting(store, { status: 'done' });
    // The process dies here: no clean shutdown, the WAL is left as it is.
    const raw = store.db;
    store = openTestStore(dir); // a second connection, as after a restart
    raw.close();

    expect(store.startup.interrupted).toEqual([live.meeting.id, paused.id]);
    // An unclean shutdown triggers the integrity check.
    expect(store.startup).toMatchObject({ uncleanShutdown: true, integrity: { ok: true, problems: [] } });
    const meeting = store.meetings.detail(live.meeting.id);
    expect(meeting?.meeting).toMatchObject({
      status: 'interrupted',
      audioDir: '/data/audio/1',
      durationMs: 15_500,
      endedAt: live.meeting.startedAt + 15_500,
    });
    expect(meeting?.segments.map((s) => s.text)).toEqual([
      'The résumé budget is approved.',
      'Great news about the roadmap',
      'We migrate the database next quarter',
      'last words',
    ]);
    expect(store.meetings.get(finished.meeting.id)?.status).toBe('done');
    const found = store.search({ query: '"last words"' });
    expect(found.ok && found.hits.map((h) => h.meetingId)).toEqual([live.meeting.id]);
    store.close();

    // Recovery is done once: after a clean close the next start finds nothing to recover or check.
    const again = openTestStore(dir);
    expect(again.startup).toEqual({ interrupted: [], uncleanShutdown: false, integrity: null });
    again.close();
  });

  it('reports a damaged search index and a failed foreign key in the integrity check', () => {
    const store = openTestStore(dir);
    seedMeeting(store);
    store.db.pragma('foreign_keys = OFF');
    store.db.exec('DELETE FROM segments WHERE id = 1'); // its words stay behind, orphaned
    store.db.pragma('foreign_keys = ON');
    // An index entry for text that no segment has.
    store.db.exec("INSERT INTO segments_fts (rowid, text) VALUES (999, 'ghost')");
    const orphans = store.checkIntegrity();
    expect(orphans.ok).toBe(false);
    expect(orphans.problems).toHaveLength(5);
    expect(
      orphans.problems.every((p) => /^foreign key: a words row points to a missing segments row$/.test(p)),
    ).toBe(true);
    const report = store.checkIntegrity({ searchIndex: true });
    expect(report.problems.some((p) => p.startsWith('search index segments_fts'))).toBe(true);
    rebuildSearchIndex(store.db);
    expect(
      store.checkIntegrity({ searchIndex: true }).problems.some((p) => p.startsWith('search index')),
    ).toBe(false);
    store.close();
  });
});

describe('backup and restore', () => {
  it('backs up a live archive and restores it over a changed one, keeping the replaced file', async () => {
    const file = join(dir, 'archive.db');
    const store = openTestStore(dir);
    const { meeting } = seedMeeting(store, { title: 'Before backup' });
    const backup = join(dir, 'backup.verbatim');
    const progress: number[] = [];
    const { bytes } = await store.backup(backup, {
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(bytes).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    await expect(store.backup(backup)).rejects.toMatchObject({ code: 'EXISTS' });

    store.meetings.setTitle(meeting.id, 'Changed after backup');
    store.meetings.delete(seedMeeting(store).meeting.id);
    store.close();

    const info = inspectArchive(backup);
    expect(info).toMatchObject({
      schemaVersion: LATEST_SCHEMA_VERSION,
      meetings: 1,
      integrity: { ok: true },
    });
    const { previous } = await restoreArchive(backup, file, { now: () => 42 });
    expect(previous).toBe(`${file}.before-restore-42`);
    expect(existsSync(previous ?? '')).toBe(true);

    const restored = openStore(file);
    expect(restored.meetings.list().map((m) => m.title)).toEqual(['Before backup']);
    const found = restored.search({ query: 'roadmap' });
    expect(found.ok && found.hits).toHaveLength(1);
    restored.close();
    const kept = openStore(previous ?? '');
    expect(kept.meetings.list().map((m) => m.title)).toEqual(['Changed after backup']);
    kept.close();
  });

  it('refuses to restore what is not a Verbatim archive of a supported version, touching nothing', async () => {
    const file = join(dir, 'archive.db');
    const store = openTestStore(dir);
    seedMeeting(store);
    store.close();

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database '.repeat(100));
    await expect(restoreArchive(text, file)).rejects.toMatchObject({ code: 'NOT_AN_ARCHIVE' });

    const other = join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    await expect(restoreArchive(other, file)).rejects.toMatchObject({ code: 'NOT_AN_ARCHIVE' });

    const future = join(dir, 'future.verbatim');
    const s = openStore(join(dir, 'future-src.db'));
    await s.backup(future);
    s.close();
    const f = new Database(future);
    f.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    f.close();
    await expect(restoreArchive(future, file)).rejects.toMatchObject({ code: 'NEWER_SCHEMA' });

    const check = openStore(file);
    expect(check.meetings.count()).toBe(1);
    check.close();
  });
});
