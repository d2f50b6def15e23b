import type Database from 'better-sqlite3';

export type Db = Database.Database;
export type Statement<R> = Database.Statement<unknown[], R>;

/**
 * Prepared statements cached by their SQL text (as Signal's ts/sql does): each statement is
 * compiled once per connection and reused, which is most of what makes per-segment writes cheap.
 */
export type Prepare = <R = unknown>(sql: string) => Statement<R>;

export function statementCache(db: Db): Prepare {
  const cache = new Map<string, Statement<unknown>>();
  return <R = unknown>(sql: string): Statement<R> => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare<unknown[], unknown>(sql);
      cache.set(sql, statement);
    }
    return statement as Statement<R>;
  };
}

/** better-sqlite3 returns bigint only in safe-integer mode, which the store never enables. */
export function rowId(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(value) : value;
}
