import type { Migration } from './types';

/** 'VRBT': marks the file as a Verbatim archive so a restore can refuse any other SQLite file. */
export const VERBATIM_APPLICATION_ID = 0x56524254;

/**
 * The archive's tables. STRICT tables make SQLite reject a value of the wrong type instead of
 * storing it, so a bug in a writer fails loudly at the write.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.pragma(`application_id = ${VERBATIM_APPLICATION_ID}`);
    db.exec(`
      CREATE TABLE meetings (
        id          INTEGER PRIMARY KEY,
        title       TEXT    NOT NULL DEFAULT '',
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        status      TEXT    NOT NULL DEFAULT 'recording'
                    CHECK (status IN ('recording', 'paused', 'finalizing', 'done', 'interrupted', 'error')),
        duration_ms INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
        language    TEXT,
        audio_dir   TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      -- The archive lists newest first and date filters are ranges on started_at.
      CREATE INDEX meetings_started_at ON meetings (started_at);
      -- Start-up recovery looks for sessions a crash left open; normally none, so a tiny index.
      CREATE INDEX meetings_open ON meetings (status) WHERE status IN ('recording', 'paused', 'finalizing');

      CREATE TABLE voiceprints (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        embedding  BLOB    NOT NULL,
        model_id   TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE speakers (
        id            INTEGER PRIMARY KEY,
        meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        label         TEXT    NOT NULL,
        display_name  TEXT,
        channel       TEXT    NOT NULL CHECK (channel IN ('mic', 'system')),
        colour        TEXT,
        voiceprint_id INTEGER REFERENCES voiceprints (id) ON DELETE SET NULL,
        UNIQUE (meeting_id, label)
      ) STRICT;
      -- Child-side index of the foreign key: deleting a voiceprint must not scan every speaker.
      CREATE INDEX speakers_voiceprint ON speakers (voiceprint_id) WHERE voiceprint_id IS NOT NULL;

      CREATE TABLE segments (
        id                  INTEGER PRIMARY KEY,
        meeting_id          INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        speaker_id          INTEGER REFERENCES speakers (id) ON DELETE SET NULL,
        channel             TEXT    NOT NULL CHECK (channel IN ('mic', 'system')),
        start_ms            INTEGER NOT NULL CHECK (start_ms >= 0),
        end_ms              INTEGER NOT NULL CHECK (end_ms >= start_ms),
        text                TEXT    NOT NULL,
        language            TEXT,
        emotion             TEXT,
        emotion_score       REAL,
        confidence          REAL,
        -- Denormalised from words so 'lowconf' is a column test, not a subquery per search hit.
        -- Written by the segment insert, kept current by the words_review trigger.
        min_word_confidence REAL,
        revision            INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      -- A meeting's transcript in time order, and the cascade from meetings.
      CREATE INDEX segments_meeting ON segments (meeting_id, start_ms);
      CREATE INDEX segments_speaker ON segments (speaker_id);

      -- A segment's speaker must belong to the same meeting; a composite foreign key cannot
      -- express that together with ON DELETE SET NULL, so a trigger does.
      CREATE TRIGGER segments_speaker_check_insert BEFORE INSERT ON segments
      WHEN NEW.speaker_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM speakers WHERE id = NEW.speaker_id AND meeting_id = NEW.meeting_id)
      BEGIN
        SELECT RAISE(ABORT, 'segment speaker belongs to another meeting');
      END;
      CREATE TRIGGER segments_speaker_check_update BEFORE UPDATE OF speaker_id, meeting_id ON segments
      WHEN NEW.speaker_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM speakers WHERE id = NEW.speaker_id AND meeting_id = NEW.meeting_id)
      BEGIN
        SELECT RAISE(ABORT, 'segment speaker belongs to another meeting');
      END;

      -- The largest table (one row per spoken word). WITHOUT ROWID, keyed by (segment, position):
      -- one b-tree instead of a table plus a unique index, which makes the archive about a quarter
      -- smaller and ingest faster; a word is addressed by its segment and position.
      CREATE TABLE words (
        segment_id    INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
        ord           INTEGER NOT NULL CHECK (ord >= 0),
        text          TEXT    NOT NULL,
        start_ms      INTEGER NOT NULL,
        end_ms        INTEGER NOT NULL,
        confidence    REAL,
        original_text TEXT,
        reviewed_at   INTEGER,
        PRIMARY KEY (segment_id, ord)
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER words_review AFTER UPDATE OF confidence, reviewed_at ON words
      BEGIN
        UPDATE segments
        SET min_word_confidence =
          (SELECT min(confidence) FROM words WHERE segment_id = NEW.segment_id AND reviewed_at IS NULL)
        WHERE id = NEW.segment_id;
      END;

      CREATE TABLE notes (
        id         INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
        at_ms      INTEGER CHECK (at_ms >= 0),
        kind       TEXT    NOT NULL CHECK (kind IN ('note', 'bookmark')),
        text       TEXT    NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX notes_meeting ON notes (meeting_id, at_ms);

      -- Every user edit (title, speaker names, word corrections, notes): what changed, from what, when.
      -- Deleting a meeting deletes its history too: a deleted meeting leaves nothing behind.
      CREATE TABLE edits (
        id         INTEGER PRIMARY KEY,
        meeting_id INTEGER REFERENCES meetings (id) ON DELETE CASCADE,
        table_name TEXT    NOT NULL,
        row_id     INTEGER NOT NULL,
        field      TEXT    NOT NULL,
        old_value  ANY,
        new_value  ANY,
        at         INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX edits_meeting ON edits (meeting_id, at);
    `);
  },
};
