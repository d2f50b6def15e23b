/**
 * One transcribe-later run: a meeting's recorded channels, interleaved by capture time, through the same
 * live session the app uses for a meeting in progress, as fast as the engines go. Every few hundred ms of
 * audio it waits for the session to catch up and yields to the event loop, so the backend keeps answering
 * and memory stays bounded. A run resumes after the last committed final of each channel (a crash, a
 * shutdown or a cancel never loses or repeats a committed final), and a stopped run is not finalized:
 * the open segment is redone by the next run rather than cut in two.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { FRAME_MS } from '../../audio/frames';
import { createSession, type SessionEngines, type SessionEvent } from '../../pipeline';
import type { Store } from '../../store';
import { channelFrames, findMeetingAudio } from './audio-source';
import { EtaEstimator } from './eta';
import { interleaveByTime } from './interleave';
import { existingMeetingStore } from './meeting-store';

export interface RunProgress {
  processedMs: number;
  totalMs: number;
  etaMs: number | null;
  /** Checkpoint for a later resume: both channels are resolved before this meeting ms. */
  resumeMs: number;
}

/**
 * Audio the session may hold before a segment shows up as a partial (VAD pre-roll and onset, the streaming
 * recognizer's first chunk): the checkpoint stays this far behind what was fed.
 */
const UNANNOUNCED_MS = 5000;
const STALE_OPEN_MS = 120_000;

export interface RunOptions {
  store: Store;
  meetingId: number;
  engines: SessionEngines;
  language?: string;
  hotwords?: readonly string[];
  /** Display name of the microphone's speaker (settings.localSpeakerName). */
  localSpeakerName?: string;
  /** Aborting stops feeding at once, without finalizing (see above). */
  signal: AbortSignal;
  /** The job's last checkpoint (RunProgress.resumeMs of a previous run). */
  resumeMs?: number;
  onProgress(progress: RunProgress): void;
  onEvent?(event: SessionEvent): void;
  log?(message: string, data?: Record<string, unknown>): void;
  /** Frames pushed between two waits for the session (default 50: 0.5 s of two-channel audio). */
  batchFrames?: number;
  now?: () => number;
}

export type RunOutcome = 'done' | 'stopped';

export class NoAudioError extends Error {
  constructor(meetingId: number) {
    super(`Meeting ${meetingId} has no recorded audio to transcribe.`);
    this.name = 'NoAudioError';
  }
}

export async function runTranscription(options: RunOptions): Promise<RunOutcome> {
  const { store, meetingId, signal } = options;
  const meeting = store.meetings.get(meetingId);
  const files = findMeetingAudio(meeting?.audioDir ?? null);
  if (!meeting || files.length === 0) throw new NoAudioError(meetingId);
  const sources = await Promise.all(files.map(channelFrames));
  const totalMs = Math.max(...sources.map((s) => s.durationMs));
  // Both channels restart at one point, so the echo canceller and guard see the system audio the mic
  // heard. Before it everything is resolved: by the checkpoint, and by each channel's committed finals.
  const committed = store.jobs.committedEnds(meetingId);
  const startAt = Math.max(options.resumeMs ?? 0, Math.min(committed.mic, committed.system));
  const sessionStore = existingMeetingStore(store, meetingId, committed);
  const eta = new EtaEstimator(options.now);
  /** Segments the session has announced (partial) but not yet resolved (final or echo-dropped). */
  const open = new Map<string, number>();
  const track = (event: SessionEvent) => {
    if (event.type === 'partial') {
      // An empty hypothesis may close without a final; only words make a segment worth waiting for.
      if (event.text && !open.has(event.segmentKey)) open.set(event.segmentKey, event.captureStartMs);
    } else if (event.type === 'final' || event.type === 'echo-dropped') {
      open.delete(event.segmentKey);
    }
  };

  const session = createSession({
    store: sessionStore,
    engines: options.engines,
    meetingId,
    // Frames carry file time from 0: meeting time, also when a resumed run starts far into the file.
    originMs: 0,
    config: {
      ...(options.language && options.language !== 'auto' ? { language: options.language } : {}),
      ...(options.hotwords?.length ? { hotwords: options.hotwords } : {}),
      ...(options.localSpeakerName ? { localSpeakerName: options.localSpeakerName } : {}),
    },
    ...(options.log ? { log: options.log } : {}),
  });
  session.on((event) => {
    track(event);
    // A final the run met again was already committed (and announced) before.
    if (event.type === 'final' && sessionStore.replayed.has(event.segmentId)) return;
    options.onEvent?.(event);
  });
  await session.start();

  const batch = options.batchFrames ?? 50;
  let pushed = 0;
  let skipped = 0;
  let processedMs = 0;
  let fedMs = startAt;
  let measuring = false;
  const resumeMs = () => {
    // A segment resolves within max segment length + the echo guard's wait; older entries are stale.
    for (const [key, start] of open) if (start < fedMs - STALE_OPEN_MS) open.delete(key);
    return Math.max(startAt, Math.min(fedMs - UNANNOUNCED_MS, ...open.values()));
  };
  const report = () =>
    options.onProgress({
      processedMs,
      totalMs,
      etaMs: eta.estimate(processedMs, totalMs),
      resumeMs: resumeMs(),
    });
  report();
  for await (const frame of interleaveByTime(sources.map((s) => s.frames()))) {
    if (signal.aborted) break;
    processedMs = Math.min(totalMs, frame.t + FRAME_MS);
    if (frame.t < startAt) {
      // Decoding the skipped part still takes time: keep the backend responsive meanwhile.
      if (++skipped % (batch * 10) === 0) {
        report();
        await yieldToLoop();
      }
      continue;
    }
    if (!measuring) {
      measuring = true;
      eta.begin(frame.t);
    }
    session.pushFrame(frame);
    if (++pushed % batch === 0) {
      await session.whenIdle();
      fedMs = frame.t;
      report();
      await yieldToLoop();
    }
  }
  await session.whenIdle();
  if (signal.aborted) return 'stopped';
  await session.stop();
  processedMs = totalMs;
  fedMs = totalMs + UNANNOUNCED_MS;
  report();
  return 'done';
}
