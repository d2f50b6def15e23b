import { z } from 'zod';

/**
 * Every failure that crosses the renderer <-> backend boundary is one of these codes.
 * Errors travel as plain values ({ code, message }), never as thrown strings, because a
 * thrown Error loses its fields on structured clone and across contextBridge.
 */
export const ErrorCodeSchema = z.enum([
  'MALFORMED_MESSAGE', // the envelope itself is not a valid protocol message
  'UNKNOWN_METHOD', // the method name is not part of the contract
  'INVALID_PARAMS', // params failed the method's schema
  'PAYLOAD_TOO_LARGE', // the message exceeds the protocol's size limit
  'CANCELLED', // the caller cancelled the request
  'TIMEOUT', // the caller gave up waiting
  'BACKEND_UNAVAILABLE', // no backend connection (starting, restarting, or gone)
  'SHUTTING_DOWN', // the backend is stopping and accepts no new work
  'NOT_FOUND',
  'IO_ERROR', // disk full, permission denied, unreadable file
  'INTERNAL', // a bug: the handler threw something unexpected
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Optional machine-readable context, e.g. the failing schema paths for INVALID_PARAMS. */
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function apiError(code: ErrorCode, message: string, details?: unknown): ApiError {
  return details === undefined ? { code, message } : { code, message, details };
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: ApiError): Result<T> => ({ ok: false, error });

/**
 * Thrown inside backend handlers to fail a request with a specific code; the server turns it
 * into an ApiError value. Anything else a handler throws becomes INTERNAL.
 */
export class ApiException extends Error {
  readonly error: ApiError;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiException';
    this.error = apiError(code, message, details);
  }
}

/** Unwraps a Result for callers that prefer exceptions (CLI, tests). */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiException(result.error.code, result.error.message, result.error.details);
}
