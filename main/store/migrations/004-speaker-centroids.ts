import type { Migration } from './types';

/**
 * Speaker centroids (issue 7): the end-of-meeting re-clustering leaves one L2-normalised embedding per
 * speaker. It is kept with the id of the model that made it (embeddings of different models live in
 * unrelated spaces) so a later "save as voiceprint" and name suggestions can use it. Little-endian
 * float32 bytes, as voiceprints.embedding. Both columns are NULL or both set.
 */
export const migration004: Migration = {
  version: 4,
  name: 'speaker-centroids',
  up(db) {
    db.exec(`
      ALTER TABLE speakers ADD COLUMN centroid BLOB;
      ALTER TABLE speakers ADD COLUMN centroid_model TEXT;
    `);
  },
};
