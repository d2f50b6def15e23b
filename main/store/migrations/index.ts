import { migration001 } from './001-initial';
import { migration002 } from './002-full-text-search';
import { migration003 } from './003-speaker-search-name';
import { migration004 } from './004-speaker-centroids';
import { migration005 } from './005-transcribe-jobs';
import { migration006 } from './006-review-queue';
import type { Migration } from './types';

export type { Migration } from './types';
export { VERBATIM_APPLICATION_ID } from './001-initial';

/** Every schema version in order; the last one is the version this build writes. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
