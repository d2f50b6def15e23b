import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openDatabase, schemaVersion } from './db';
import { StoreError } from './errors';
import { LATEST_SCHEMA_VERSION } from './migrations';
import type { StoreContext } from './repositories/context';
import type { Db } from './sql';

/**
 * Start-up recovery, integrity checks, backup and restore of the archive file.
 */

/**
 * A meeting still `recording`, `paused` or `finalizing` when the store opens was cut off by a
 * crash or power loss (no session survives a restart). It becomes `interrupted`; every final
 * already written and its audio folder are kept, and its duration is taken from the last final
 * if the session never wrote one.
 */
export function recoverInterruptedMeetings(ctx: StoreContext): number[] {
  const rows = ctx
    .sql<{ id: number }>(
      `UPDATE meetings
       SET status = 'interrupted',
           duration_ms = max(duration_ms, coalesce((SELECT max(end_ms) FROM segments WHERE meeting_id = meetings.id), 0)),
           ended_at = coalesce(ended_at, started_at + max(duration_ms,
             coalesce((SELECT max(end_ms) FROM segments WHERE meeting_id = meetings.id), 0))),
           updated_at = ?
       WHERE status IN ('recording', 'paused', 'finalizing')
       RETURNING id`,
    )
    .all(ctx.now());
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export interface IntegrityReport {
  ok: boolean;
  /** Human-readable findings; empty when ok. */
  problems: string[];
}

/**
 * PRAGMA quick_check (structure of every page and index, O(file size) but cheaper than
 * integrity_check), foreign key check, and optionally FTS5's own check that the search index
 * matches the segments and notes (slower: re-tokenizes all text). A failed search-index check is
 * repairable with rebuildSearchIndex; a failed quick_check means restoring a backup.
 */
export function checkIntegrity(db: Db, options: { searchIndex?: boolean } = {}): IntegrityReport {
  const problems: string[] = [];
  const quick = db.pragma('quick_check') as { quick_check: string }[];
  for (const row of quick) if (row.quick_check !== 'ok') problems.push(`quick_check: ${row.quick_check}`);
  const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[];
  for (const row of orphans.slice(0, 20)) {
    // WITHOUT ROWID tables (words) have no rowid to name.
    const which = row.rowid === null ? `a ${row.table} row` : `${row.table} row ${row.rowid}`;
    problems.push(`foreign key: ${which} points to a missing ${row.parent} row`);
  }
  if (orphans.length > 20) problems.push(`foreign key: ${orphans.length - 20} more orphaned rows`);
  if (options.searchIndex) {
    for (const table of ['segments_fts', 'notes_fts']) {
      try {
        db.prepare(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`).run();
      } catch (error) {
        problems.push(`search index ${table}: ${(error as Error).message}`);
      }
    }
  }
  return { ok: problems.length === 0, problems };
}

/** Rebuilds both search indexes from the stored text. */
export function rebuildSearchIndex(db: Db): void {
  db.transaction(() => {
    db.exec(`INSERT INTO segments_fts (segments_fts) VALUES ('rebuild');
             INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');`);
  })();
}

export interface BackupOptions {
  overwrite?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Copies the live archive to `destination` with SQLite's online backup API: a consistent
 * snapshot while recording continues. It is written next to the destination under a temporary
 * name and renamed at the end, so a failed backup never leaves a half file under the real name.
 */
export async function backupArchive(
  db: Db,
  destination: string,
  options: BackupOptions = {},
): Promise<{ bytes: number }> {
  if (!options.overwrite && existsSync(destination)) {
    throw new StoreError('EXISTS', `${destination} already exists.`);
  }
  const partial = join(dirname(destination), `.${basename(destination)}.${process.pid}.partial`);
  try {
    let total = 0;
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        total = totalPages;
        options.onProgress?.(totalPages - remainingPages, totalPages);
        return 256; // pages per step: short steps keep the backend responsive
      },
    });
    options.onProgress?.(total, total);
    await rename(partial, destination);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { bytes: (await stat(destination)).size };
}

export interface ArchiveInfo {
  schemaVersion: number;
  meetings: number;
  integrity: IntegrityReport;
}

/**
 * Looks at a file without changing it: is it a Verbatim archive, of a version this build can
 * read, and structurally sound? Throws StoreError (NOT_AN_ARCHIVE, NEWER_SCHEMA, CORRUPT).
 */
export function inspectArchive(file: string): ArchiveInfo {
  if (!existsSync(file)) throw new StoreError('NOT_FOUND', `${file} does not exist.`);
  const db = openDatabase(file, { readonly: true, fileMustExist: true, migrate: false });
  try {
    const version = schemaVersion(db);
    if (version < 1)
      throw new StoreError('NOT_AN_ARCHIVE', `${file} is not a Verbatim archive (it is empty).`);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new StoreError(
        'NEWER_SCHEMA',
        `${file} was written by a newer version of Verbatim (schema ${version}; this version reads up to ${LATEST_SCHEMA_VERSION}).`,
      );
    }
    const integrity = checkIntegrity(db);
    if (!integrity.ok)
      throw new StoreError('CORRUPT', `${file} is damaged: ${integrity.problems.join('; ')}`);
    const meetings = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM meetings').get()?.n ?? 0;
    return { schemaVersion: version, meetings, integrity };
  } finally {
    db.close();
  }
}

/**
 * Replaces the archive at `dbPath` with the backup at `backupFile`. The store must be closed
 * first (the backend closes it, restores, and opens it again, which migrates an older backup
 * forward). The backup is validated before anything is touched, and the archive it replaces is
 * kept beside it as `<name>.before-restore-<time>` (with its -wal), so a wrong restore can be undone.
 */
export async function restoreArchive(
  backupFile: string,
  dbPath: string,
  options: { now?: () => number } = {},
): Promise<{ info: ArchiveInfo; previous: string | null }> {
  const info = inspectArchive(backupFile);
  const staging = join(dirname(dbPath), `.${basename(dbPath)}.${process.pid}.restoring`);
  await rm(staging, { force: true });
  const source = openDatabase(backupFile, { readonly: true, fileMustExist: true, migrate: false });
  try {
    await source.backup(staging);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  } finally {
    source.close();
  }
  let previous: string | null = null;
  if (existsSync(dbPath)) {
    previous = `${dbPath}.before-restore-${(options.now ?? Date.now)()}`;
    await rename(dbPath, previous);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(dbPath + suffix)) await rename(dbPath + suffix, previous + suffix);
    }
  }
  await rename(staging, dbPath);
  return { info, previous };
}
