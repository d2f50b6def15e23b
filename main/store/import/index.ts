import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { StoreContext } from '../repositories/context';
import { parseArchiveJson } from './json';
import { parseSrt } from './srt';
import type { ImportProblem, ParseOutcome } from './types';
import { parseVtt } from './vtt';
import { writeTranscript } from './write';

export type { ImportProblem, ParseOutcome, ParsedTranscript } from './types';
export { parseVtt } from './vtt';
export { parseSrt } from './srt';
export { parseArchiveJson } from './json';
export { writeTranscript } from './write';

export type ImportFormat = 'vtt' | 'srt' | 'json';

/** Far beyond any meeting (10 h of dense speech as JSON with words is ~30 MB). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

/**
 * UTF-8 normally; UTF-16 when a byte order mark says so (Windows tools write it); and older
 * subtitle files that are not valid UTF-8 are almost always Windows-1252.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** By extension; an unknown extension is recognised by content. */
export function detectFormat(fileName: string, text: string): ImportFormat | null {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.vtt' || ext === '.webvtt') return 'vtt';
  if (ext === '.srt') return 'srt';
  if (ext === '.json') return 'json';
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('WEBVTT')) return 'vtt';
  if (head.startsWith('{')) return 'json';
  if (/^\d+\s*\r?\n\s*\S+\s*-->/u.test(head) || /^\S+\s*-->/u.test(head)) return 'srt';
  return null;
}

export function parseTranscript(format: ImportFormat, text: string): ParseOutcome {
  switch (format) {
    case 'vtt':
      return parseVtt(text);
    case 'srt':
      return parseSrt(text);
    case 'json':
      return parseArchiveJson(text);
  }
}

export type ImportFileResult =
  | { file: string; ok: true; format: ImportFormat; meetingId: number; title: string; segments: number }
  | { file: string; ok: false; error: ImportProblem };

/**
 * Imports each file as its own meeting. Files are independent: a broken one is reported (with
 * the line) and imports nothing, the others still import.
 */
export async function importFiles(ctx: StoreContext, files: readonly string[]): Promise<ImportFileResult[]> {
  const results: ImportFileResult[] = [];
  for (const file of files) {
    results.push(await importFile(ctx, file));
  }
  return results;
}

export async function importFile(ctx: StoreContext, file: string): Promise<ImportFileResult> {
  const fail = (message: string, line: number | null = null): ImportFileResult => ({
    file,
    ok: false,
    error: { message, line },
  });
  let text: string;
  let mtimeMs: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail('Not a file.');
    if (info.size > MAX_IMPORT_BYTES)
      return fail(`The file is too large (${info.size} bytes; at most ${MAX_IMPORT_BYTES}).`);
    mtimeMs = info.mtimeMs;
    text = decodeText(await readFile(file));
  } catch (error) {
    return fail(`Cannot read the file: ${(error as Error).message}`);
  }
  const format = detectFormat(file, text);
  if (!format)
    return fail('Unknown format: expected a WebVTT (.vtt), SubRip (.srt) or Verbatim JSON (.json) file.');
  const parsed = parseTranscript(format, text);
  if (!parsed.ok) return { file, ok: false, error: parsed.error };
  try {
    const title = basename(file, extname(file));
    const meeting = writeTranscript(ctx, parsed.transcript, { title, startedAt: Math.round(mtimeMs) });
    return {
      file,
      ok: true,
      format,
      meetingId: meeting.id,
      title: meeting.title,
      segments: parsed.transcript.segments.length,
    };
  } catch (error) {
    return fail(`Could not be stored: ${(error as Error).message}`);
  }
}
