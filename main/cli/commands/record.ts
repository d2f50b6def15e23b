/**
 * `verbatim record` (Linux): the microphone (PulseAudio's default source) and the system audio (the monitor
 * of the default sink: the other side of the call) through parec into one recording session of the
 * backend, the same one the app drives: crash-safe WAV per channel, live transcription when an ASR model is
 * installed. Runs until Ctrl-C or SIGTERM (or the backend's auto-stop), then finalizes and prints the
 * meeting id on stdout.
 */
import type { AudioChannel, AudioFrame } from '../../audio/frames';
import { ParecSource } from '../../audio/sources/parec';
import type { AudioSource } from '../../audio/sources/types';
import type { Result } from '../../api';
import type { CliContext } from '../context';
import { CliError, EXIT, type ExitCode } from '../exit-codes';
import { clock, statusLine } from './progress';
import type { TerminalIo } from './transcribe';

export interface RecordCommandOptions {
  title?: string;
  /** --no-system: microphone only. */
  noSystem?: boolean;
}

export interface RecordDeps extends TerminalIo {
  /** Capture sources (tests); default parec for the mic and, unless --no-system, the sink monitor. */
  sources?: (channels: AudioChannel[]) => AudioSource[];
  platform?: NodeJS.Platform;
  /** Extra stop signal besides ctx.signal (SIGINT); default: SIGTERM of this process. */
  onStopSignal?: (stop: () => void) => () => void;
}

/** ~100 ms per request, as the capture window sends. */
const BATCH = 5;

function must<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new CliError(`${result.error.code}: ${result.error.message}`, EXIT.FAILED);
}

export async function recordCommand(
  ctx: CliContext,
  options: RecordCommandOptions,
  deps: RecordDeps = {},
): Promise<ExitCode> {
  if ((deps.platform ?? process.platform) !== 'linux') {
    throw new CliError(
      'record: native capture is only available on Linux (PulseAudio/PipeWire)',
      EXIT.FAILED,
    );
  }
  const channels: AudioChannel[] = options.noSystem ? ['mic'] : ['mic', 'system'];
  const sources = (deps.sources ?? parecSources)(channels);
  const status = statusLine({
    isTty: ctx.isTty,
    write: deps.write ?? ((text) => process.stderr.write(text)),
    out: (line) => ctx.err(line),
    err: ctx.err,
    ...(deps.columns ? { columns: deps.columns } : {}),
  });

  const { client } = ctx;
  const { sessionId, meetingId } = must(
    await client.invoke('recording.start', {
      mode: 'live',
      ...(options.title?.trim() ? { title: options.title.trim() } : {}),
    }),
  );

  let stopRequested: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const offs: Array<() => void> = [
    client.on('recording.state', (s) => {
      if (s.sessionId === sessionId && (s.state === 'done' || s.state === 'interrupted')) stopRequested();
    }),
    client.on('recording.warning', (w) => {
      if (w.sessionId === sessionId) status.line(`warning (${w.channel}): ${w.message}`);
    }),
    client.on('transcript.final', (f) => {
      if (f.meetingId !== meetingId) return;
      status.line(
        `[${clock(f.segment.startMs)}] ${f.speaker.displayName ?? f.speaker.label}: ${f.segment.text}`,
      );
    }),
    client.on('transcript.status', (s) => {
      if (s.meetingId === meetingId && s.message) status.line(s.message);
    }),
  ];
  let partial = '';
  let recordedMs = 0;
  offs.push(
    client.on('transcript.partial', (p) => {
      if (p.meetingId !== meetingId || !ctx.isTty) return;
      partial = p.text;
      status.progress(`recording ${clock(recordedMs)}`, 0, 0, null, partial);
    }),
  );
  const onAbort = () => stopRequested();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  offs.push(() => ctx.signal.removeEventListener('abort', onAbort));
  offs.push((deps.onStopSignal ?? onSigterm)(onAbort));

  // One ordered sender per channel: batches of one channel must arrive in order.
  const senders = new Map<AudioChannel, { batch: AudioFrame[]; chain: Promise<void> }>();
  let sendError: Error | null = null;
  const flush = (channel: AudioChannel) => {
    const sender = senders.get(channel)!;
    if (sender.batch.length === 0) return sender.chain;
    const frames = sender.batch.map((f) => ({ seq: f.seq, t: f.t, samples: f.samples }));
    sender.batch = [];
    sender.chain = sender.chain.then(async () => {
      const r = await client.invoke('recording.frames', { sessionId, channel, frames });
      if (!r.ok && !sendError) {
        sendError = new Error(r.error.message);
        stopRequested();
      }
    });
    return sender.chain;
  };
  const onFrame = (frame: AudioFrame) => {
    let sender = senders.get(frame.channel);
    if (!sender) senders.set(frame.channel, (sender = { batch: [], chain: Promise.resolve() }));
    sender.batch.push(frame);
    recordedMs = Math.max(recordedMs, frame.t + 20);
    if (sender.batch.length >= BATCH) void flush(frame.channel);
  };

  const started: AudioSource[] = [];
  try {
    for (const source of sources) {
      offs.push(
        source.on('error', (e) => status.line(`${source.channel}: ${e.message}`)),
        source.on('ended', (e) => {
          // Without its microphone the meeting cannot go on; a lost system channel only loses that side.
          if (e.reason === 'failed' && source.channel === 'mic') stopRequested();
        }),
      );
      await source.start(onFrame);
      started.push(source);
    }
    status.line(
      `recording meeting ${meetingId} (${channels.join(' + ')}); press Ctrl-C to stop and finalize`,
    );
    if (!ctx.isTty) ctx.err(`recording meeting ${meetingId}`);
    await stopped;
  } catch (error) {
    status.line(`record: ${(error as Error).message}`);
    sendError ??= error as Error;
  } finally {
    for (const source of started) await source.stop().catch(() => undefined);
    for (const channel of senders.keys()) await flush(channel);
    status.clear();
    const info = must(await client.invoke('recording.stop', { sessionId }));
    for (const off of offs) off();
    ctx.err(`stopped: ${clock(info.recordedMs)} recorded`);
    ctx.out(String(meetingId));
  }
  if (sendError) {
    ctx.err(`record: ${(sendError as Error).message}`);
    return EXIT.FAILED;
  }
  return EXIT.OK;
}

function parecSources(channels: AudioChannel[]): AudioSource[] {
  // PulseAudio's own names for "whatever is the default now": no pactl lookup for the microphone.
  return channels.map((channel) =>
    channel === 'mic'
      ? new ParecSource({ channel, device: '@DEFAULT_SOURCE@' })
      : new ParecSource({ channel }),
  );
}

function onSigterm(stop: () => void): () => void {
  process.once('SIGTERM', stop);
  return () => process.off('SIGTERM', stop);
}
