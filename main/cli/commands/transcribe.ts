/**
 * `verbatim transcribe <audio>`: an audio file (WAV or MP3, any rate and channel count) becomes a meeting
 * in the archive through the same contract the app uses: the audio is recorded into a new record-only
 * meeting (crash-safe WAV, then MP3, so it can be played back in the app), then the transcribe-later job
 * runs the live pipeline over it with the installed models. The file is everyone in the room, so it is the
 * 'system' channel (speakers are told apart there; the mic channel means "you").
 */
import { stat, writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import {
  TranscribeLanguageSchema,
  type ExportFormat,
  type PayloadOf,
  type Result,
  type TranscribeJob,
  type TranscribeLanguage,
} from '../../api';
import { channelFrames, type ChannelFrames } from '../../backend/transcribe/audio-source';
import { writeExportFile } from '../../store/export';
import type { CliContext } from '../context';
import { CliError, EXIT, type ExitCode } from '../exit-codes';
import { clock, statusLine, type StatusLine } from './progress';

export interface TranscribeCommandOptions {
  title?: string;
  language?: string;
  export?: string;
  /** Export file (with --export); default: a name from the title in the current folder. */
  out?: string;
}

/** Terminal plumbing (tests give their own). */
export interface TerminalIo {
  write?: (text: string) => void;
  columns?: number;
}

const EXPORT_FORMATS: Record<string, ExportFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  srt: 'srt',
  vtt: 'vtt',
  json: 'json',
  txt: 'text',
  text: 'text',
};

/** Frames per recording.frames call: the contract's maximum, 1 s of audio. */
const BATCH = 50;

function must<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new CliError(
    `${result.error.code}: ${result.error.message}`,
    result.error.code === 'NOT_FOUND' ? EXIT.NOT_FOUND : EXIT.FAILED,
  );
}

export async function transcribeCommand(
  ctx: CliContext,
  file: string | undefined,
  options: TranscribeCommandOptions,
  terminal: TerminalIo = {},
): Promise<ExitCode> {
  if (!file) throw new CliError('transcribe: give an audio file (WAV or MP3)');
  const language = options.language === undefined ? undefined : parseLanguage(options.language);
  const format = options.export === undefined ? undefined : parseFormat(options.export);
  if (options.out !== undefined && !format) throw new CliError('transcribe: --out needs --export FORMAT');
  const path = resolve(file);
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch {
    throw new CliError(`${file}: no such audio file`, EXIT.NOT_FOUND);
  }
  let source: ChannelFrames;
  try {
    source = await channelFrames({ channel: 'system', path });
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`, EXIT.FAILED);
  }
  const status = statusLine({
    isTty: ctx.isTty,
    write: terminal.write ?? ((text) => process.stderr.write(text)),
    out: ctx.out,
    err: ctx.err,
    ...(terminal.columns ? { columns: terminal.columns } : {}),
  });

  const title = options.title?.trim() || basename(file, extname(file));
  const meetingId = await importAudio(ctx, source, title, status);
  if (ctx.signal.aborted) {
    status.clear();
    ctx.err(`interrupted: meeting ${meetingId} keeps the audio imported so far (not transcribed)`);
    return EXIT.INTERRUPTED;
  }

  const job = await runJob(ctx, meetingId, language, status);
  status.clear();
  if (job.state === 'cancelled') {
    ctx.err(`interrupted: what was transcribed so far stays in meeting ${meetingId}`);
    return EXIT.INTERRUPTED;
  }
  if (job.state === 'failed') {
    ctx.err(job.message ?? 'transcription failed');
    ctx.err(`the audio is kept as meeting ${meetingId}`);
    return job.reason === 'no-asr-model' ? EXIT.NOT_FOUND : EXIT.FAILED;
  }
  const detail = must(await ctx.client.invoke('meetings.get', { meetingId }));
  ctx.out(`meeting ${meetingId} "${detail.meeting.title}": ${detail.segments.length} segments`);
  if (format) {
    const exported = must(await ctx.client.invoke('archive.export', { meetingId, format }));
    let written: string;
    if (options.out) {
      written = resolve(options.out);
      await writeFile(written, exported.content);
    } else {
      written = await writeExportFile(resolve('.'), exported.fileName, exported.content, {
        ifExists: 'rename',
      });
    }
    ctx.out(written);
  }
  return EXIT.OK;
}

/** Records the file into a new record-only meeting, a second of audio per request. */
async function importAudio(
  ctx: CliContext,
  source: ChannelFrames,
  title: string,
  status: StatusLine,
): Promise<number> {
  const { sessionId, meetingId } = must(
    await ctx.client.invoke('recording.start', {
      title,
      mode: 'record-only',
      // A file may hold long silences; it is imported whole.
      autoStopMs: 24 * 3_600_000,
    }),
  );
  let batch: Array<{ seq: number; t: number; samples: Float32Array }> = [];
  const send = async () => {
    if (batch.length === 0) return;
    const frames = batch;
    batch = [];
    must(await ctx.client.invoke('recording.frames', { sessionId, channel: 'system', frames }));
  };
  try {
    for await (const frame of source.frames()) {
      if (ctx.signal.aborted) break;
      batch.push({ seq: frame.seq, t: frame.t, samples: frame.samples });
      if (batch.length === BATCH) {
        await send();
        status.progress('importing', frame.t, source.durationMs, null);
      }
    }
    await send();
  } finally {
    status.progress('importing', source.durationMs, source.durationMs, null);
    must(await ctx.client.invoke('recording.stop', { sessionId }));
  }
  return meetingId;
}

/** Starts the job and follows it to its end; Ctrl-C cancels it (committed finals stay). */
async function runJob(
  ctx: CliContext,
  meetingId: number,
  language: TranscribeLanguage | undefined,
  status: StatusLine,
): Promise<TranscribeJob> {
  const { client } = ctx;
  let partial = '';
  let last: TranscribeJob | null = null;
  const offs: Array<() => void> = [];
  const ended = new Promise<TranscribeJob>((resolveEnd) => {
    offs.push(
      client.on('transcribe.progress', (job) => {
        if (job.meetingId !== meetingId) return;
        last = job;
        if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') resolveEnd(job);
        else if (job.state === 'running') {
          status.progress('transcribing', job.processedMs, job.totalMs, job.etaMs, partial);
        }
      }),
    );
  });
  offs.push(
    client.on('transcript.partial', (p) => {
      if (p.meetingId !== meetingId || !ctx.isTty) return;
      partial = p.text;
      if (last) status.progress('transcribing', last.processedMs, last.totalMs, last.etaMs, partial);
    }),
    client.on('transcript.final', (f) => {
      if (f.meetingId !== meetingId) return;
      partial = '';
      status.line(finalLine(f));
    }),
  );
  const onAbort = () => void client.invoke('transcribe.cancel', { meetingId });
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const started = must(
      await client.invoke('transcribe.start', { meetingId, ...(language ? { language } : {}) }),
    );
    if (ctx.signal.aborted) onAbort();
    // A job that ended before the listener saw it (e.g. it failed at once) is final in its status.
    if (started.state === 'failed' || started.state === 'done' || started.state === 'cancelled')
      return started;
    return await ended;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    for (const off of offs) off();
  }
}

function finalLine(f: PayloadOf<'transcript.final'>): string {
  const who = f.speaker.displayName ?? f.speaker.label;
  return `[${clock(f.segment.startMs)}] ${who}: ${f.segment.text}`;
}

function parseLanguage(value: string): TranscribeLanguage {
  const parsed = TranscribeLanguageSchema.safeParse(value);
  if (!parsed.success) {
    throw new CliError(
      `transcribe: unknown language '${value}' (${TranscribeLanguageSchema.options.join(', ')})`,
    );
  }
  return parsed.data;
}

function parseFormat(value: string): ExportFormat {
  const format = EXPORT_FORMATS[value.toLowerCase()];
  if (!format) throw new CliError(`transcribe: unknown export format '${value}' (md, srt, vtt, json, txt)`);
  return format;
}
