import Database from 'better-sqlite3';
import { StoreError } from './errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, VERBATIM_APPLICATION_ID } from './migrations';
import type { Db } from './sql';

export interface OpenDatabaseOptions {
  readonly?: boolean;
  /** Refuse to create a new file (restore validation, tools). */
  fileMustExist?: boolean;
  /** Run pending migrations (default true; false only for read-only inspection). */
  migrate?: boolean;
  /** Stop migrating at this version: tests build archives as earlier versions wrote them. */
  targetVersion?: number;
  /** How long a write waits for another connection's lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) an archive: WAL so searches never wait for the recorder's writes,
 * foreign keys on (cascading deletes rely on them), synchronous=NORMAL (in WAL a power cut can
 * lose the last commits but never corrupts the file; a crash of the app loses nothing), a busy
 * timeout, then forward migrations.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.fileMustExist ?? false,
    });
  } catch (error) {
    throw new StoreError('NOT_AN_ARCHIVE', `Cannot open the archive ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    assertVerbatimArchive(db, file);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    // Search reads many index pages; 32 MB of cache keeps the hot part of a large archive in memory.
    db.pragma('cache_size = -32768');
    db.pragma('temp_store = MEMORY');
    if (options.migrate ?? true) migrate(db, options.targetVersion);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new StoreError('NOT_AN_ARCHIVE', `${file} is not a Verbatim archive (not an SQLite database).`, {
        cause: error,
      });
    }
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * A file that is SQLite but not ours (another app's database picked by mistake) must never be
 * migrated: that would write our tables into it.
 */
export function assertVerbatimArchive(db: Db, file: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId === VERBATIM_APPLICATION_ID) return;
  const objects = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sqlite_schema').get()?.n ?? 0;
  if (applicationId === 0 && objects === 0) return; // a new, empty file
  throw new StoreError('NOT_AN_ARCHIVE', `${file} is an SQLite database but not a Verbatim archive.`);
}

/**
 * Brings the schema forward one numbered migration at a time, each in its own transaction with
 * its user_version bump. An archive from a newer Verbatim is refused, never downgraded: its newer
 * tables and columns would be lost or misread.
 */
export function migrate(db: Db, targetVersion: number = LATEST_SCHEMA_VERSION): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `This archive was written by a newer version of Verbatim (schema ${from}; this version reads up to ` +
        `${LATEST_SCHEMA_VERSION}). Update Verbatim to open it. The file was not changed.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from || migration.version > targetVersion) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, to: schemaVersion(db) };
}
