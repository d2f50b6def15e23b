import type { Migration } from './types';

/**
 * What the review queue (issue 9 item 4) needs from the schema.
 *
 * - `segments.draft_text`: the streaming recognizer's text, kept when the final pass replaced it.
 *   Disagreement between the two is one of the queue's signals; NULL when the final pass agreed or
 *   there was no draft (imports, offline transcription).
 * - `review_actions`: the undo journal of review actions. Each row holds the segments as they were
 *   before the action (JSON snapshots) so one undo restores a whole "fix all occurrences" in one
 *   step, even when a correction changed the number of words. A row belongs to its meeting and
 *   goes with it (a deleted meeting leaves nothing behind); vocabulary additions have no meeting.
 * - Three small partial indexes so the archive-wide queue reads only candidate segments and counts
 *   reviewed words without scanning the words table: rows with a low-confidence word, rows with a
 *   draft, and the (few) words a person verified.
 */
export const migration006: Migration = {
  version: 6,
  name: 'review-queue',
  up(db) {
    db.exec(`
      ALTER TABLE segments ADD COLUMN draft_text TEXT;
      CREATE INDEX segments_review_confidence ON segments (min_word_confidence)
        WHERE min_word_confidence IS NOT NULL;
      CREATE INDEX segments_review_draft ON segments (meeting_id) WHERE draft_text IS NOT NULL;
      CREATE INDEX words_reviewed ON words (segment_id) WHERE reviewed_at IS NOT NULL;

      CREATE TABLE review_actions (
        id         INTEGER PRIMARY KEY,
        meeting_id INTEGER REFERENCES meetings (id) ON DELETE CASCADE,
        kind       TEXT    NOT NULL CHECK (kind IN ('accept', 'correct', 'fix-all', 'vocabulary')),
        -- JSON: {"segments": [...snapshots before the action, each with its revision after it]}
        -- or {"word": "..."} for a vocabulary addition.
        payload    TEXT    NOT NULL,
        at         INTEGER NOT NULL,
        undone_at  INTEGER
      ) STRICT;
      CREATE INDEX review_actions_open ON review_actions (id) WHERE undone_at IS NULL;
      CREATE INDEX review_actions_meeting ON review_actions (meeting_id);
    `);
  },
};
