import { z } from 'zod';

/**
 * The machine as the Settings screen shows it (issue 9 item 5): data folder and disk use.
 */
const Bytes = z.number().int().nonnegative();

export const StorageSchema = z.object({
  /** The folder that holds the archive, recordings, settings and user-installed models. */
  dataDir: z.string(),
  /** The SQLite archive with its write-ahead log. */
  archiveBytes: Bytes,
  /** Meeting audio (recordings/). */
  recordingsBytes: Bytes,
  /** User-installed models (models/); bundled models are not counted. */
  modelsBytes: Bytes,
  /** Free space for this user on the data folder's disk; null when the OS cannot say. */
  freeBytes: Bytes.nullable(),
  /** Size of that disk; null when the OS cannot say. */
  diskBytes: Bytes.nullable(),
});
export type StorageInfo = z.infer<typeof StorageSchema>;

export const systemMethods = {
  /** Disk use of the data folder, measured now (walks the folders; fast enough to call on demand). */
  'system.storage': { params: z.object({}).strict(), result: StorageSchema },
} as const;

export const systemEvents = {} as const;
