import { existsSync, statSync } from 'node:fs';
import { openDatabase, type OpenDatabaseOptions } from './db';
import { importFiles, type ImportFileResult } from './import';
import { listEdits } from './repositories/edits';
import type { StoreContext } from './repositories/context';
import * as jobs from './repositories/jobs';
import * as meetings from './repositories/meetings';
import * as notes from './repositories/notes';
import * as review from './review';
import * as segments from './repositories/segments';
import * as speakers from './repositories/speakers';
import * as voiceprints from './repositories/voiceprints';
import {
  backupArchive,
  checkIntegrity,
  recoverInterruptedMeetings,
  type BackupOptions,
  type IntegrityReport,
} from './recovery';
import { searchArchive, type SearchOptions, type SearchParams, type SearchResult } from './search';
import { statementCache } from './sql';

export * from './types';
export { StoreError, type StoreErrorCode } from './errors';
export { openDatabase, migrate, schemaVersion } from './db';
export { LATEST_SCHEMA_VERSION } from './migrations';
export {
  HIGHLIGHT_START,
  HIGHLIGHT_END,
  snippetParts,
  type SearchHit,
  type SearchParams,
  type SearchResult,
} from './search';
export { parseQuery, compileQuery, type ParsedQuery, type ParseResult } from './query';
export {
  inspectArchive,
  restoreArchive,
  rebuildSearchIndex,
  type IntegrityReport,
  type ArchiveInfo,
} from './recovery';
export type { ImportFileResult } from './import';
export type { StoreContext } from './repositories/context';
export type { NewMeeting, MeetingStatePatch, ListMeetingsOptions } from './repositories/meetings';
export type { NewSpeaker } from './repositories/speakers';
export type { NewSegment, NewWord } from './repositories/segments';
export type { NewNote } from './repositories/notes';

export interface OpenStoreOptions extends Pick<OpenDatabaseOptions, 'busyTimeoutMs'> {
  /** Clock for timestamps (tests). */
  now?: () => number;
  /**
   * When to run the integrity check (PRAGMA quick_check + foreign keys) at open. It reads the
   * whole file and blocks (about a second per 100 MB on a slow shared core), so by default it runs
   * only after an unclean shutdown: a WAL file left behind (a clean close removes it) or a meeting
   * still open. SQLite in WAL mode survives crashes by design; the check is there for disks and bugs.
   */
  integrityCheck?: 'always' | 'after-crash' | 'never';
  search?: SearchOptions;
}

export interface StartupReport {
  /** Meetings found open (a crash during recording) and marked interrupted. */
  interrupted: number[];
  /** True when the last session did not close the archive (WAL left behind or meetings left open). */
  uncleanShutdown: boolean;
  /** null when the check was skipped. */
  integrity: IntegrityReport | null;
}

/**
 * The archive as the backend uses it: one connection, repositories bound to it, and start-up
 * recovery already done (see `startup`). Every function is synchronous (better-sqlite3) except
 * file work (import, backup).
 */
export function openStore(file: string, options: OpenStoreOptions = {}) {
  const walLeft = file !== ':memory:' && existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0;
  const db = openDatabase(file, { busyTimeoutMs: options.busyTimeoutMs });
  const ctx: StoreContext = { db, sql: statementCache(db), now: options.now ?? Date.now };
  const interrupted = recoverInterruptedMeetings(ctx);
  const uncleanShutdown = walLeft || interrupted.length > 0;
  const policy = options.integrityCheck ?? 'after-crash';
  const startup: StartupReport = {
    interrupted,
    uncleanShutdown,
    integrity:
      policy === 'always' || (policy === 'after-crash' && uncleanShutdown) ? checkIntegrity(db) : null,
  };
  const bind =
    <A extends unknown[], R>(fn: (c: StoreContext, ...args: A) => R) =>
    (...args: A): R =>
      fn(ctx, ...args);

  return {
    db,
    ctx,
    file,
    startup,
    meetings: {
      create: bind(meetings.createMeeting),
      get: bind(meetings.getMeeting),
      detail: bind(meetings.getMeetingDetail),
      list: bind(meetings.listMeetings),
      count: bind(meetings.countMeetings),
      updateState: bind(meetings.updateMeetingState),
      setTitle: bind(meetings.setMeetingTitle),
      delete: bind(meetings.deleteMeeting),
      edits: bind(listEdits),
    },
    speakers: {
      add: bind(speakers.addSpeaker),
      get: bind(speakers.getSpeaker),
      list: bind(speakers.listSpeakers),
      rename: bind(speakers.renameSpeaker),
      merge: bind(speakers.mergeSpeakers),
      linkVoiceprint: bind(speakers.linkVoiceprint),
      setCentroid: bind(speakers.setSpeakerCentroid),
      centroid: bind(speakers.getSpeakerCentroid),
      centroids: bind(speakers.listSpeakerCentroids),
      split: bind(speakers.splitSpeaker),
      removeUnused: bind(speakers.removeUnusedSpeakers),
    },
    segments: {
      insertFinal: bind(segments.insertFinalSegment),
      get: bind(segments.getSegment),
      list: bind(segments.listSegments),
      getWord: bind(segments.getWord),
      correctWord: bind(segments.correctWord),
      acceptWord: bind(segments.acceptWord),
      setSpeaker: bind(segments.setSegmentSpeaker),
    },
    notes: {
      add: bind(notes.addNote),
      get: bind(notes.getNote),
      list: bind(notes.listNotes),
      update: bind(notes.updateNoteText),
      delete: bind(notes.deleteNote),
    },
    voiceprints: {
      add: bind(voiceprints.addVoiceprint),
      get: bind(voiceprints.getVoiceprint),
      list: bind(voiceprints.listVoiceprints),
      delete: bind(voiceprints.deleteVoiceprint),
      rename: bind(voiceprints.renameVoiceprint),
      update: bind(voiceprints.updateVoiceprint),
      forget: bind(voiceprints.forgetVoiceprint),
      speakers: bind(voiceprints.voiceprintSpeakers),
    },
    jobs: {
      get: bind(jobs.getJob),
      queue: bind(jobs.queueJob),
      update: bind(jobs.updateJob),
      listOpen: bind(jobs.listOpenJobs),
      committedEnds: bind(jobs.committedEnds),
    },
    review: {
      queue: bind(review.reviewQueue),
      accept: bind(review.acceptSpan),
      correct: bind(review.correctSpan),
      fixAll: bind(review.fixAllOccurrences),
      recordVocabularyAddition: bind(review.recordVocabularyAddition),
      undo: bind(review.undoLastAction),
    },
    search: (params: SearchParams): SearchResult => searchArchive(ctx, params, options.search),
    importFiles: (files: readonly string[]): Promise<ImportFileResult[]> => importFiles(ctx, files),
    backup: (destination: string, backupOptions?: BackupOptions) =>
      backupArchive(db, destination, backupOptions),
    checkIntegrity: (opts?: { searchIndex?: boolean }) => checkIntegrity(db, opts),
    close: (): void => {
      if (db.open) db.close();
    },
  };
}

export type Store = ReturnType<typeof openStore>;
