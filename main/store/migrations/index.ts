import { migration001 } from './001-initial';
import { migration002 } from './002-full-text-search';
import { migration003 } from './003-speaker-search-name';
import type { Migration } from './types';

export type { Migration } from './types';
export { VERBATIM_APPLICATION_ID } from './001-initial';

/** Every schema version in order; the last one is the version this build writes. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
