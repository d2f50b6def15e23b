import { ApiException, type ErrorCode } from '../../api';
import { StoreError } from '../../store';

const STORE_TO_API: Record<StoreError['code'], ErrorCode> = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID: 'INVALID_PARAMS',
  EXISTS: 'IO_ERROR',
  NEWER_SCHEMA: 'IO_ERROR',
  NOT_AN_ARCHIVE: 'IO_ERROR',
  CORRUPT: 'IO_ERROR',
};

/**
 * Runs archive work and maps its failures to typed API errors: store errors by code, disk errors
 * (SQLITE_FULL, EACCES...) to IO_ERROR; anything else stays a bug (the server answers INTERNAL).
 */
export function guarded<R>(fn: () => R): R {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StoreError) throw new ApiException(STORE_TO_API[error.code], error.message);
    const code = (error as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /^(SQLITE_(FULL|IOERR|READONLY|CANTOPEN)|ENOSPC|EACCES|EROFS)/u.test(code)
    ) {
      throw new ApiException('IO_ERROR', `The archive could not be written: ${(error as Error).message}`);
    }
    throw error;
  }
}

/** A handler whose store failures become typed API errors (see guarded). */
export function guard<P, R>(fn: (params: P) => R): (params: P) => R {
  return (params) => guarded(() => fn(params));
}
