import type { Migration } from './types';

/**
 * Transcribe-later jobs (issue 8 item 7): one row per meeting, the state of its last job. A job found
 * 'running' or 'queued' at start-up was cut short by a crash and resumes. processed_ms is the progress shown
 * to the user; resume_ms is a checkpoint: audio before it was fully resolved on both channels (committed,
 * dropped as echo, or silence) when it was written, so a resumed run may start there.
 */
export const migration005: Migration = {
  version: 5,
  name: 'transcribe-jobs',
  up(db) {
    db.exec(`
      CREATE TABLE transcribe_jobs (
        meeting_id   INTEGER PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
        state        TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
        language     TEXT,
        processed_ms INTEGER NOT NULL DEFAULT 0 CHECK (processed_ms >= 0),
        total_ms     INTEGER NOT NULL DEFAULT 0 CHECK (total_ms >= 0),
        resume_ms    INTEGER NOT NULL DEFAULT 0 CHECK (resume_ms >= 0),
        error        TEXT,
        queued_at    INTEGER NOT NULL,
        started_at   INTEGER,
        updated_at   INTEGER NOT NULL
      );
      CREATE INDEX transcribe_jobs_open ON transcribe_jobs (state) WHERE state IN ('queued', 'running');
    `);
  },
};
