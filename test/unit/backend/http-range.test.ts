import { describe, expect, it } from 'vitest';
import {
  bodyLength,
  coalesce,
  decideRange,
  etagFor,
  lastModifiedFor,
  MAX_RANGES,
  parseRangeHeader,
  rangeResponseHeaders,
  type FileStats,
} from '../../../main/backend/http-range';

const FILE: FileStats = { size: 1000, mtimeMs: Date.UTC(2026, 10, 20, 9, 30, 15, 250) };
const decide = (range: string | undefined, ifRange?: string, stats = FILE) =>
  decideRange({ range, ifRange }, stats);

describe('decideRange (RFC 7233 single ranges)', () => {
  it('sends the whole file without a Range header', () => {
    expect(decide(undefined)).toEqual({ status: 200, start: 0, end: 999 });
    expect(decide('')).toEqual({ status: 200, start: 0, end: 999 });
  });

  it('serves a closed range, clamping a last byte past the end', () => {
    expect(decide('bytes=0-0')).toEqual({ status: 206, start: 0, end: 0 });
    expect(decide('bytes=100-199')).toEqual({ status: 206, start: 100, end: 199 });
    expect(decide('bytes=900-5000')).toEqual({ status: 206, start: 900, end: 999 });
  });

  it('serves open-ended ranges (what media elements send) and suffix ranges', () => {
    expect(decide('bytes=0-')).toEqual({ status: 206, start: 0, end: 999 });
    expect(decide('bytes=640-')).toEqual({ status: 206, start: 640, end: 999 });
    expect(decide('bytes=-100')).toEqual({ status: 206, start: 900, end: 999 });
    // A suffix longer than the file is the whole file, still as a 206.
    expect(decide('bytes=-5000')).toEqual({ status: 206, start: 0, end: 999 });
  });

  it('tolerates spaces and a differently cased unit', () => {
    expect(decide('Bytes = 10-19')).toEqual({ status: 206, start: 10, end: 19 });
    expect(decide('bytes=10-19 , ')).toEqual({ status: 206, start: 10, end: 19 });
  });

  it('answers 416 when nothing is satisfiable', () => {
    expect(decide('bytes=1000-')).toEqual({ status: 416 });
    expect(decide('bytes=1000-2000')).toEqual({ status: 416 });
    expect(decide('bytes=-0')).toEqual({ status: 416 });
    expect(decide('bytes=0-', undefined, { size: 0, mtimeMs: 0 })).toEqual({ status: 416 });
    expect(decide('bytes=-10', undefined, { size: 0, mtimeMs: 0 })).toEqual({ status: 416 });
  });

  it('answers 416 for an invalid bytes range (RFC 7233 §3.1)', () => {
    for (const range of [
      'bytes=',
      'bytes=-',
      'bytes=abc',
      'bytes=5-1',
      'bytes=1-2-3',
      'bytes=0x10-',
      'bytes 0-1',
    ]) {
      expect(decide(range), range).toEqual({ status: 416 });
    }
  });

  it('ignores a range unit it does not know (MUST, RFC 7233 §3.1)', () => {
    expect(decide('items=0-5')).toEqual({ status: 200, start: 0, end: 999 });
  });

  it('serves one range when several coalesce, and the whole file when they do not', () => {
    expect(decide('bytes=0-99,100-199')).toEqual({ status: 206, start: 0, end: 199 });
    expect(decide('bytes=50-150,0-99')).toEqual({ status: 206, start: 0, end: 150 });
    expect(decide('bytes=0-9,500-509')).toEqual({ status: 200, start: 0, end: 999 });
    // Unsatisfiable parts drop out; what remains is one range.
    expect(decide('bytes=2000-,10-19')).toEqual({ status: 206, start: 10, end: 19 });
  });

  it('ignores an absurd number of ranges rather than work through them', () => {
    const many = Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i}-${i}`).join(',');
    expect(decide(`bytes=${many}`)).toEqual({ status: 200, start: 0, end: 999 });
  });

  it('honours If-Range: a matching validator gets the range, a stale one the whole file', () => {
    expect(decide('bytes=10-19', etagFor(FILE))).toEqual({ status: 206, start: 10, end: 19 });
    expect(decide('bytes=10-19', lastModifiedFor(FILE))).toEqual({ status: 206, start: 10, end: 19 });
    const grown = { ...FILE, size: 2000 };
    expect(decide('bytes=10-19', etagFor(grown))).toEqual({ status: 200, start: 0, end: 999 });
    expect(decide('bytes=10-19', `W/${etagFor(FILE)}`)).toEqual({ status: 200, start: 0, end: 999 });
    expect(decide('bytes=10-19', 'Tue, 01 Jan 2019 00:00:00 GMT')).toEqual({
      status: 200,
      start: 0,
      end: 999,
    });
  });
});

describe('parseRangeHeader and coalesce', () => {
  it('keeps request order and clamps to the file', () => {
    expect(parseRangeHeader('bytes=500-,-10,0-1', 1000)).toEqual([
      { start: 500, end: 999 },
      { start: 990, end: 999 },
      { start: 0, end: 1 },
    ]);
  });

  it('rejects numbers beyond safe integers as invalid', () => {
    expect(parseRangeHeader('bytes=0-99999999999999999999', 10)).toBe('invalid');
  });

  it('merges overlapping and adjacent spans only', () => {
    expect(
      coalesce([
        { start: 10, end: 19 },
        { start: 0, end: 9 },
        { start: 30, end: 40 },
        { start: 35, end: 50 },
      ]),
    ).toEqual([
      { start: 0, end: 19 },
      { start: 30, end: 50 },
    ]);
  });
});

describe('rangeResponseHeaders', () => {
  it('describes a partial response', () => {
    const decision = decide('bytes=100-199');
    const headers = rangeResponseHeaders(decision, FILE, 'audio/mpeg');
    expect(headers).toMatchObject({
      'Accept-Ranges': 'bytes',
      'Content-Type': 'audio/mpeg',
      'Content-Length': '100',
      'Content-Range': 'bytes 100-199/1000',
      ETag: etagFor(FILE),
    });
    expect(bodyLength(decision)).toBe(100);
  });

  it('describes a whole-file response without Content-Range', () => {
    const headers = rangeResponseHeaders(decide(undefined), FILE, 'audio/wav');
    expect(headers['Content-Length']).toBe('1000');
    expect(headers['Content-Range']).toBeUndefined();
    expect(headers['Accept-Ranges']).toBe('bytes');
  });

  it('tells a 416 client the size', () => {
    const headers = rangeResponseHeaders({ status: 416 }, FILE, 'audio/wav');
    expect(headers['Content-Range']).toBe('bytes */1000');
    expect(headers['Content-Length']).toBe('0');
  });

  it('gives a file that grew (a WAV being recorded) a new validator', () => {
    expect(etagFor({ size: 10, mtimeMs: 5 })).not.toBe(etagFor({ size: 11, mtimeMs: 5 }));
    expect(lastModifiedFor(FILE)).toBe('Fri, 20 Nov 2026 09:30:15 GMT');
  });
});
