import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LATEST_SCHEMA_VERSION,
  openDatabase,
  openStore,
  schemaVersion,
  StoreError,
} from '../../../main/store';
import { MIGRATIONS, VERBATIM_APPLICATION_ID } from '../../../main/store/migrations';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** The schema as SQLite records it, for comparing databases built different ways. */
function schemaOf(file: string): { type: string; name: string; sql: string | null }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[], { type: string; name: string; sql: string | null }>(
        "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
      )
      .all();
  } finally {
    db.close();
  }
}

/** Writes data the way version `version` could hold it (v1: no search index yet). */
function seedAtVersion(file: string, version: number): void {
  const db = openDatabase(file, { targetVersion: version });
  expect(schemaVersion(db)).toBe(version);
  db.exec(`
    INSERT INTO meetings (id, title, started_at, status, duration_ms, created_at, updated_at)
      VALUES (1, 'Old meeting', 1700000000000, 'done', 5000, 1, 1);
    INSERT INTO speakers (id, meeting_id, label, display_name, channel) VALUES (1, 1, 'S1', 'Zoë', 'system');
    INSERT INTO segments (id, meeting_id, speaker_id, channel, start_ms, end_ms, text, min_word_confidence)
      VALUES (1, 1, 1, 'system', 0, 2000, 'Naïve estimates of the façade', 0.5);
    INSERT INTO words (segment_id, ord, text, start_ms, end_ms, confidence) VALUES
      (1, 0, 'Naïve', 0, 400, 0.5), (1, 1, 'estimates', 400, 900, 0.95), (1, 2, 'of', 900, 1000, 0.99),
      (1, 3, 'the', 1000, 1200, 0.99), (1, 4, 'façade', 1200, 2000, 0.97);
    INSERT INTO notes (meeting_id, at_ms, kind, text, created_at, updated_at) VALUES (1, 100, 'note', 'check the façade', 1, 1);
  `);
  // From version 3 on, the speaker repository keeps search_name; a raw insert has to fill it itself.
  if (version >= 3) db.exec("UPDATE speakers SET search_name = 'zoe s1'");
  db.close();
}

describe('migrations', () => {
  it('are numbered 1..N without gaps, so user_version identifies exactly one schema', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('build the latest schema on an empty file, marked as a Verbatim archive, in WAL with foreign keys', () => {
    const file = join(dir, 'new.db');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(VERBATIM_APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    db.close();
  });

  for (let from = 1; from < LATEST_SCHEMA_VERSION; from += 1) {
    it(`bring an archive from version ${from} with data to the latest schema, data kept and searchable`, () => {
      const migrated = join(dir, 'old.db');
      seedAtVersion(migrated, from);
      const store = openStore(migrated, { integrityCheck: 'always' });
      expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
      expect(store.startup.integrity?.ok).toBe(true);
      const detail = store.meetings.detail(1);
      expect(detail?.segments[0]?.words.map((w) => w.text)).toEqual([
        'Naïve',
        'estimates',
        'of',
        'the',
        'façade',
      ]);
      // Text written before the search index existed is found (accents folded).
      const result = store.search({ query: 'facade' });
      expect(result.ok && result.hits.map((h) => h.id)).toEqual([1]);
      expect(result.ok && result.notes.map((h) => h.id)).toEqual([1]);
      // Speakers written before their folded search name existed are found by it.
      const bySpeaker = store.search({ query: 'speaker:zoe' });
      expect(bySpeaker.ok && bySpeaker.hits.map((h) => [h.id, h.speakerName])).toEqual([[1, 'Zoë']]);
      expect(store.checkIntegrity({ searchIndex: true })).toEqual({ ok: true, problems: [] });
      store.close();

      const fresh = join(dir, 'fresh.db');
      openDatabase(fresh).close();
      expect(schemaOf(migrated)).toEqual(schemaOf(fresh));
    });
  }

  it('refuse an archive from a newer version and leave the file byte-for-byte unchanged', () => {
    const file = join(dir, 'future.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const copy = join(dir, 'future-copy.db');
    copyFileSync(file, copy);
    let error: unknown;
    try {
      openDatabase(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('NEWER_SCHEMA');
    expect((error as StoreError).message).toMatch(/newer version of Verbatim/);
    const a = new Database(file, { readonly: true });
    expect(a.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    a.close();
  });

  it("refuse another application's SQLite database instead of migrating it", () => {
    const file = join(dir, 'other.db');
    const other = new Database(file);
    other.exec('CREATE TABLE contacts (name TEXT)');
    other.close();
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'NOT_AN_ARCHIVE' }));
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'meetings'").get()).toEqual({
      n: 0,
    });
    check.close();
  });

  it('refuse a file that is not SQLite at all', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = join(dir, 'notes.txt');
    writeFileSync(
      file,
      'this is not a database, just some text that is long enough to have a header '.repeat(20),
    );
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'NOT_AN_ARCHIVE' }));
  });
});
