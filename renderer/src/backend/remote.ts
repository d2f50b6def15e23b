import type { ApiError } from '../../../main/api';

/** A value that comes from the backend: not there yet, there, or failed with a typed error. */
export type Remote<T> =
  { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ApiError };

export const LOADING: Remote<never> = { state: 'loading' };

/** One line for people: "CODE: message", plus the first validation problems when the backend sent them. */
export function describeError(error: ApiError): string {
  const problems = validationProblems(error.details);
  const suffix = problems.length > 0 ? ` (${problems.join('; ')})` : '';
  return `${error.code}: ${error.message}${suffix}`;
}

/** INVALID_PARAMS details are [{ path, message }] (server.ts summarize); anything else is ignored. */
function validationProblems(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  const lines: string[] = [];
  for (const item of details.slice(0, 3)) {
    if (typeof item !== 'object' || item === null) continue;
    const { path, message } = item as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') continue;
    lines.push(typeof path === 'string' && path !== '' ? `${path}: ${message}` : message);
  }
  return lines;
}
