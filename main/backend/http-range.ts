/**
 * HTTP range requests for serving a file (RFC 7233 / RFC 9110 §14), as pure functions shared by the
 * two hosts that serve meeting audio: the Electron app:// protocol (main/app) and the dev bridge
 * (main/devweb). Each host does its own I/O; what to send (status, headers, which bytes) is decided
 * here so both answer a media element the same way. No 'electron', no 'node:http'.
 *
 * Choices where the RFC leaves room:
 * - A Range with a unit other than `bytes` is ignored (200, whole file): RFC 7233 §3.1 says MUST.
 * - A `bytes=` Range that does not parse, or a spec whose last byte is before its first, is invalid:
 *   416 (RFC 7233 §3.1: "invalid or unsatisfiable ... SHOULD send 416").
 * - Several ranges: no multipart/byteranges. The satisfiable ones are coalesced when they overlap or
 *   touch; if that leaves one range it is served as a plain 206, otherwise the Range is ignored and the
 *   whole file is sent (200), which RFC 9110 §14.2 allows ("A server MAY ignore the Range header").
 *   Media elements only ever ask for one range. More than MAX_RANGES specs is ignored outright (a
 *   cheap denial-of-service guard, as RFC 9110 §14.2 suggests).
 * - If-Range with a validator that does not match the current one: whole file (RFC 7233 §3.2). Only
 *   a strong ETag or the exact Last-Modified date matches.
 */

export const MAX_RANGES = 16;

export interface FileStats {
  /** Bytes in the file now. */
  size: number;
  /** Modification time in epoch ms (for Last-Modified and the ETag). */
  mtimeMs: number;
}

/** What to send: the status and, for 200/206, the inclusive byte span of the file to send. */
export type RangeDecision =
  { status: 200; start: number; end: number } | { status: 206; start: number; end: number } | { status: 416 };

interface Span {
  start: number;
  end: number;
}

/**
 * Parses a Range header against a file of `size` bytes. `null` means "ignore the header" (send the
 * whole file); 'invalid' and 'unsatisfiable' both lead to 416; otherwise the satisfiable spans in
 * request order, clamped to the file.
 */
export function parseRangeHeader(header: string, size: number): Span[] | 'invalid' | 'unsatisfiable' | null {
  const eq = header.indexOf('=');
  if (eq < 0) return 'invalid';
  const unit = header.slice(0, eq).trim().toLowerCase();
  if (unit !== 'bytes') return null;
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim());
  // "bytes=" alone, or empty list elements only, is not a range-set.
  const nonEmpty = specs.filter((s) => s !== '');
  if (nonEmpty.length === 0) return 'invalid';
  if (nonEmpty.length > MAX_RANGES) return null;
  const spans: Span[] = [];
  for (const spec of nonEmpty) {
    const m = /^(\d*)-(\d*)$/.exec(spec);
    if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
    if (m[1] === '') {
      // Suffix range: the last N bytes. N = 0 is valid syntax but never satisfiable.
      const length = Number(m[2]);
      if (!Number.isSafeInteger(length)) return 'invalid';
      if (length === 0 || size === 0) continue;
      spans.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const first = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]);
    if (!Number.isSafeInteger(first) || (last !== Infinity && !Number.isSafeInteger(last))) return 'invalid';
    if (last < first) return 'invalid';
    if (first >= size) continue; // unsatisfiable on its own; others may still be
    spans.push({ start: first, end: Math.min(last, size - 1) });
  }
  return spans.length === 0 ? 'unsatisfiable' : spans;
}

/** Merges overlapping or adjacent spans; the result is sorted. */
export function coalesce(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last && span.start <= last.end + 1) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

/** A strong validator from size and mtime: a file that grows (a WAV being recorded) gets a new one. */
export function etagFor(stats: FileStats): string {
  return `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
}

/** HTTP-date of the mtime, second precision (what Last-Modified carries). */
export function lastModifiedFor(stats: FileStats): string {
  return new Date(Math.floor(stats.mtimeMs / 1000) * 1000).toUTCString();
}

function ifRangeMatches(ifRange: string, stats: FileStats): boolean {
  const value = ifRange.trim();
  if (value.startsWith('W/')) return false; // weak validators never match for ranges
  if (value.startsWith('"')) return value === etagFor(stats);
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Date.parse(lastModifiedFor(stats));
}

export interface RangeRequest {
  /** The Range header, if any. */
  range?: string | null | undefined;
  /** The If-Range header, if any. */
  ifRange?: string | null | undefined;
}

/** What to answer a GET/HEAD for a file with these stats. */
export function decideRange(request: RangeRequest, stats: FileStats): RangeDecision {
  const whole: RangeDecision = { status: 200, start: 0, end: stats.size - 1 };
  if (!request.range) return whole;
  if (request.ifRange && !ifRangeMatches(request.ifRange, stats)) return whole;
  const parsed = parseRangeHeader(request.range, stats.size);
  if (parsed === null) return whole;
  if (parsed === 'invalid' || parsed === 'unsatisfiable') return { status: 416 };
  const merged = coalesce(parsed);
  if (merged.length !== 1) return whole;
  const only = merged[0]!;
  return { status: 206, start: only.start, end: only.end };
}

/** Bytes the body carries for a decision (0 for an empty file or a 416). */
export function bodyLength(decision: RangeDecision): number {
  return decision.status === 416 ? 0 : Math.max(0, decision.end - decision.start + 1);
}

/**
 * Response headers for a decision. The caller adds its own security headers (CSP, nosniff...).
 * A 416 says how big the file is (`bytes * /size`) so the client can ask again.
 */
export function rangeResponseHeaders(
  decision: RangeDecision,
  stats: FileStats,
  contentType: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    ETag: etagFor(stats),
    'Last-Modified': lastModifiedFor(stats),
  };
  if (decision.status === 416) {
    headers['Content-Range'] = `bytes */${stats.size}`;
    headers['Content-Length'] = '0';
    return headers;
  }
  headers['Content-Type'] = contentType;
  headers['Content-Length'] = String(bodyLength(decision));
  if (decision.status === 206) {
    headers['Content-Range'] = `bytes ${decision.start}-${decision.end}/${stats.size}`;
  }
  return headers;
}
