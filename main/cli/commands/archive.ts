import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { HIGHLIGHT_END, HIGHLIGHT_START, MAX_MESSAGE_BYTES, type ExportFormat, type Result } from '../../api';
import { writeExportFile } from '../../store/export';
import type { CliContext } from '../context';
import { CliError, EXIT, type ExitCode } from '../exit-codes';

function must<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new CliError(
    `${result.error.code}: ${result.error.message}`,
    result.error.code === 'NOT_FOUND' ? EXIT.NOT_FOUND : EXIT.FAILED,
  );
}

/** `verbatim import <files...>`: each file is its own meeting; a broken file imports nothing. */
export async function importCommand(ctx: CliContext, files: string[]): Promise<ExitCode> {
  if (files.length === 0) throw new CliError('import: give one or more .vtt, .srt or .json files');
  let failed = 0;
  for (const file of files) {
    const name = basename(file);
    let text: string;
    try {
      const info = await stat(file);
      // The contract caps one message at 1 MiB; a transcript that large is an hours-long meeting.
      if (info.size > MAX_MESSAGE_BYTES - 4096)
        throw new Error(`file is ${info.size} bytes; the limit is 1 MiB`);
      text = await readFile(file, 'utf8');
    } catch (error) {
      ctx.err(`${file}: cannot read: ${(error as Error).message}`);
      failed++;
      continue;
    }
    const { results } = must(await ctx.client.invoke('archive.import', { files: [{ name, text }] }));
    const result = results[0]!;
    if (result.ok) {
      ctx.out(
        `${file}: imported as meeting ${result.meetingId} "${result.title}" (${result.segments} segments)`,
      );
    } else {
      ctx.err(`${file}${result.line ? `:${result.line}` : ''}: ${result.message}`);
      failed++;
    }
  }
  return failed ? EXIT.FAILED : EXIT.OK;
}

/** `verbatim search <query>`: one line per hit, matched words in [brackets] (or bold on a TTY). */
export async function searchCommand(
  ctx: CliContext,
  query: string,
  options: { limit: number; json: boolean },
): Promise<ExitCode> {
  if (!query.trim()) throw new CliError('search: give a query, e.g. verbatim search "roadmap" speaker:alice');
  const result = must(await ctx.client.invoke('search.query', { query, limit: options.limit }));
  if (options.json) {
    ctx.out(JSON.stringify(result, null, 2));
    return result.ok ? EXIT.OK : EXIT.FAILED;
  }
  if (!result.ok) {
    ctx.err(result.message);
    return EXIT.FAILED;
  }
  const [on, off] = ctx.isTty ? ['\u001b[1m', '\u001b[22m'] : ['[', ']'];
  for (const hit of [...result.hits, ...result.notes]) {
    const at = hit.startMs === null ? '' : ` ${clock(hit.startMs)}`;
    const who = hit.speakerName ? ` ${hit.speakerName}:` : hit.kind === 'note' ? ' note:' : '';
    const snippet = hit.snippet.split(HIGHLIGHT_START).join(on).split(HIGHLIGHT_END).join(off);
    ctx.out(`#${hit.meetingId} ${hit.meetingTitle}${at}${who} ${snippet}`);
  }
  if (result.ignored.length) ctx.err(`ignored: ${result.ignored.join(', ')}`);
  if (result.hits.length + result.notes.length === 0) ctx.err('no results');
  return EXIT.OK;
}

const FORMAT_ALIASES: Record<string, ExportFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  srt: 'srt',
  vtt: 'vtt',
  json: 'json',
  txt: 'text',
  text: 'text',
};

/** `verbatim export <meeting> --format md|srt|vtt|json|txt [--out DIR | --stdout]`. */
export async function exportCommand(
  ctx: CliContext,
  meeting: string | undefined,
  options: { format: string; out?: string; stdout: boolean; overwrite: boolean },
): Promise<ExitCode> {
  const meetingId = Number(meeting);
  if (!meeting || !Number.isSafeInteger(meetingId) || meetingId <= 0) {
    throw new CliError('export: give a meeting id (see `verbatim meetings`)');
  }
  const format = FORMAT_ALIASES[options.format.toLowerCase()];
  if (!format) throw new CliError(`export: unknown format '${options.format}' (md, srt, vtt, json, txt)`);
  const file = must(await ctx.client.invoke('archive.export', { meetingId, format }));
  if (options.stdout) {
    process.stdout.write(file.content);
    return EXIT.OK;
  }
  const folder = resolve(options.out ?? '.');
  const written = await writeExportFile(folder, file.fileName, file.content, {
    ifExists: options.overwrite ? 'overwrite' : 'rename',
  });
  ctx.out(written);
  return EXIT.OK;
}

/** `verbatim meetings`: the archive, newest first. */
export async function meetingsCommand(ctx: CliContext, options: { limit: number }): Promise<ExitCode> {
  const { meetings, total } = must(await ctx.client.invoke('meetings.list', { limit: options.limit }));
  for (const m of meetings) {
    const date = new Date(m.startedAt).toISOString().slice(0, 16).replace('T', ' ');
    ctx.out(`#${m.id}\t${date}\t${clock(m.durationMs)}\t${m.status}\t${m.title}`);
  }
  ctx.err(`${meetings.length} of ${total} meetings`);
  return EXIT.OK;
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
