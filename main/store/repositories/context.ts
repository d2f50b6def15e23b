import type { Db, Prepare } from '../sql';

/** What every repository function works with: the connection, its statement cache, a clock. */
export interface StoreContext {
  db: Db;
  sql: Prepare;
  /** Epoch ms; injected so tests control timestamps. */
  now: () => number;
}
