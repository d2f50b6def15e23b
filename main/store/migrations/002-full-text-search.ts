import type { Migration } from './types';

/**
 * Full-text search over segment text and notes (FTS5).
 *
 * - External-content tables: the text lives once, in segments/notes; the FTS tables hold only
 *   the index and read the text back for snippet(). Triggers keep the index in step with every
 *   insert, text update and delete (including deletes cascaded from a meeting).
 * - `unicode61 remove_diacritics 2`: case- and accent-insensitive ("resume" finds "Résumé").
 * - `prefix='2 3'`: extra indexes of 2- and 3-character prefixes, so short prefix queries (`pr*`)
 *   read one posting list instead of merging thousands of terms.
 *
 * Trigram index for substring search: not built. Measured by test/bench/search.bench.ts on the
 * synthetic 10M-word archive (1,000 meetings): an external-content trigram table
 * (`tokenize='trigram remove_diacritics 1'`) adds 188 MB, 2.1x the word index (87 MB) and +25% on
 * the whole 755 MB archive, and takes 22 s to build; a substring query on it takes ~1 ms. What it
 * would add over this index is matching inside words ("udget" in "budget"), which people rarely
 * type when looking for something said in a meeting; word and word-start search (`budg*`) cover
 * that. The one real gap is scripts written without spaces: unicode61 makes a run of Chinese or
 * Japanese characters a single token, so only whole runs and their prefixes are found. If those
 * languages matter, a later migration can add a trigram (or CJK bigram) table for segments in
 * them, rebuilt from the stored text like this one.
 */
export const migration002: Migration = {
  version: 2,
  name: 'full-text-search',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE segments_fts USING fts5(
        text,
        content = 'segments',
        content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      );
      CREATE TRIGGER segments_fts_insert AFTER INSERT ON segments BEGIN
        INSERT INTO segments_fts (rowid, text) VALUES (NEW.id, NEW.text);
      END;
      CREATE TRIGGER segments_fts_delete AFTER DELETE ON segments BEGIN
        INSERT INTO segments_fts (segments_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);
      END;
      -- Only a change of the text touches the index; status-like updates (speaker, confidence) do not.
      CREATE TRIGGER segments_fts_update AFTER UPDATE OF text ON segments BEGIN
        INSERT INTO segments_fts (segments_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);
        INSERT INTO segments_fts (rowid, text) VALUES (NEW.id, NEW.text);
      END;

      CREATE VIRTUAL TABLE notes_fts USING fts5(
        text,
        content = 'notes',
        content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      );
      CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, text) VALUES (NEW.id, NEW.text);
      END;
      CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);
      END;
      CREATE TRIGGER notes_fts_update AFTER UPDATE OF text ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);
        INSERT INTO notes_fts (rowid, text) VALUES (NEW.id, NEW.text);
      END;

      -- Archives written at version 1 already hold text: index it.
      INSERT INTO segments_fts (segments_fts) VALUES ('rebuild');
      INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');
    `);
  },
};
