import type { ApiClient } from '../api';

/** What every command gets: a client of the backend contract (the same code paths as the app) and I/O. */
export interface CliContext {
  client: ApiClient;
  dataDir: string;
  out: (line: string) => void;
  err: (line: string) => void;
  /** True when stdout is a terminal (progress bars, colours). */
  isTty: boolean;
  signal: AbortSignal;
}
