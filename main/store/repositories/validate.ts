import { StoreError } from '../errors';

/** Guards for values the schema's CHECKs would reject with an unhelpful SQLite message. */

export function requireMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new StoreError('INVALID', `${name} must be a time >= 0 (got ${value}).`);
  return Math.round(value);
}

export function requireRange(name: string, startMs: number, endMs: number): [number, number] {
  const start = requireMs(`${name} start`, startMs);
  const end = requireMs(`${name} end`, endMs);
  if (end < start)
    throw new StoreError('INVALID', `${name} ends (${end} ms) before it starts (${start} ms).`);
  return [start, end];
}

export function optionalScore(name: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value)) throw new StoreError('INVALID', `${name} must be a number (got ${value}).`);
  return value;
}

export function requireFound<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new StoreError('NOT_FOUND', `${what} does not exist.`);
  return value;
}
