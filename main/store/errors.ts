/**
 * Failures of the archive that callers must tell apart (the backend maps them to ApiErrors):
 * - NEWER_SCHEMA: the file was written by a newer Verbatim; it is left untouched.
 * - NOT_AN_ARCHIVE: the file is not SQLite, or is SQLite but not a Verbatim archive.
 * - CORRUPT: integrity check failed.
 * - NOT_FOUND: a meeting, speaker, word... id that does not exist.
 * - INVALID: a value the archive cannot accept (empty name, end before start, ...).
 * - EXISTS: refusing to overwrite a file.
 */
export type StoreErrorCode =
  'NEWER_SCHEMA' | 'NOT_AN_ARCHIVE' | 'CORRUPT' | 'NOT_FOUND' | 'INVALID' | 'EXISTS';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
