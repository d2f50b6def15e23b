import { fold } from '../text';
import type { Migration } from './types';

/**
 * `speaker:` search compares folded names ("ana maria" finds "Ana María"). Folding in the query
 * meant calling a JavaScript function for every speaker of the archive on every search (about
 * 10 ms at 4,000 speakers); the folded name is stored instead, written by the speaker repository
 * whenever a name or label changes. It is derived data: this migration fills it for existing rows.
 */
export function speakerSearchName(label: string, displayName: string | null): string {
  return fold(`${displayName ?? ''} ${label}`)
    .replace(/\s+/gu, ' ')
    .trim();
}

export const migration003: Migration = {
  version: 3,
  name: 'speaker-search-name',
  up(db) {
    db.exec("ALTER TABLE speakers ADD COLUMN search_name TEXT NOT NULL DEFAULT ''");
    const rows = db.prepare<[], { id: number; label: string; displayName: string | null }>(
      'SELECT id, label, display_name AS displayName FROM speakers',
    );
    const update = db.prepare<[string, number]>('UPDATE speakers SET search_name = ? WHERE id = ?');
    for (const row of rows.all()) update.run(speakerSearchName(row.label, row.displayName), row.id);
  },
};
