import type { Db } from '../sql';

/**
 * One forward step of the schema. `up` runs inside a transaction together with the
 * `PRAGMA user_version = version` that records it, so a crash leaves either the old or the new
 * schema, never half of one. Migrations are never edited once released: fix forward with a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}
