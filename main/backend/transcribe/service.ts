/**
 * The transcribe-later queue (issue 8 item 7): one job at a time (the engines take the machine's cores),
 * the others wait in the order asked. Job state lives in transcribe_jobs, so a job that was queued or
 * running when the backend died is picked up again when it starts, and resumes after its last committed
 * final. Progress goes out as `transcribe.progress` events (throttled), the session's partials and finals as
 * the live transcript events of the meeting, so the CLI and the meeting view can show them as they come.
 */
import { ApiException, type TranscribeJob, type TranscribeJobState } from '../../api';
import { resolveRecognizers, type FinalEvent, type PartialEvent, type SessionEvent } from '../../pipeline';
import { OPEN_MEETING_STATUSES } from '../../store';
import type { BackendContext } from '../context';
import type { LoadedEngines } from '../engines/types';
import { findMeetingAudio } from './audio-source';
import { NoAudioError, runTranscription, type RunProgress } from './runner';

export interface TranscribeServiceOptions {
  /** Minimum wall time between two progress events of a running job (default 250 ms). */
  progressIntervalMs?: number;
  /** Minimum wall time between two progress writes to the store (default 2 s). */
  persistIntervalMs?: number;
  /** Frames per wait for the session (runner default). */
  batchFrames?: number;
  /**
   * Pick up jobs a previous run left open (default true). The app does; a short-lived backend (a CLI
   * command) must not load the models and start someone else's job only to stop it on exit.
   */
  resumeOpenJobs?: boolean;
}

export interface TranscribeService {
  start(meetingId: number, language?: string): TranscribeJob;
  cancel(meetingId: number): Promise<TranscribeJob>;
  jobs(): TranscribeJob[];
  /** Resolves when the queue is empty and nothing runs (tests, the CLI). */
  idle(): Promise<void>;
  /**
   * Backend shutdown: the running job stops without finalizing and stays 'running' in the store, queued
   * ones stay queued: all of them resume at the next start.
   */
  shutdown(): Promise<void>;
}

interface Running {
  meetingId: number;
  abort: AbortController;
  stopReason: 'cancel' | 'shutdown' | null;
  progress: RunProgress;
  done: Promise<void>;
}

/** Failure messages start with these, so the reason survives in the store's error column. */
const NO_AUDIO_PREFIX = 'No audio: ';
const NO_ASR_MESSAGE =
  'No speech recognition model is installed, so there is nothing to transcribe with. Install one ' +
  '(Settings > Models, or `verbatim models fetch default`) and start the transcription again.';

export function transcribeService(
  ctx: BackendContext,
  options: TranscribeServiceOptions = {},
): TranscribeService {
  const { store } = ctx;
  const queue: number[] = [];
  let current: Running | null = null;
  let closed = false;
  const idleWaiters: Array<() => void> = [];

  const jobOf = (meetingId: number): TranscribeJob => {
    const row = store.jobs.get(meetingId);
    if (!row) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} has no transcription job.`);
    const live = current?.meetingId === meetingId ? current.progress : null;
    // A job waiting in this process's queue is queued, whatever a crash left in its row.
    const state: TranscribeJobState = queue.includes(meetingId) ? 'queued' : row.state;
    return {
      meetingId,
      state,
      processedMs: live?.processedMs ?? row.processedMs,
      totalMs: live?.totalMs ?? row.totalMs,
      etaMs: live?.etaMs ?? null,
      ...(row.error ? { message: row.error } : {}),
      ...(row.state === 'failed' ? { reason: failureReason(row.error) } : {}),
    };
  };

  const emitJob = (meetingId: number) => {
    try {
      ctx.emit('transcribe.progress', jobOf(meetingId));
    } catch (error) {
      ctx.log('transcribe: progress event failed', { error: String(error) });
    }
  };

  function pump(): void {
    if (current || closed) return;
    const meetingId = queue.shift();
    if (meetingId === undefined) {
      for (const resolve of idleWaiters.splice(0)) resolve();
      return;
    }
    const running: Running = {
      meetingId,
      abort: new AbortController(),
      stopReason: null,
      progress: { processedMs: 0, totalMs: 0, etaMs: null, resumeMs: 0 },
      done: Promise.resolve(),
    };
    current = running;
    running.done = run(running).finally(() => {
      current = null;
      pump();
    });
  }

  async function run(job: Running): Promise<void> {
    const { meetingId } = job;
    const settings = ctx.settings.get();
    let loaded: LoadedEngines | null = null;
    let lastEmit = 0;
    let lastPersist = 0;
    try {
      const row = store.jobs.update(meetingId, { state: 'running', startedAt: Date.now(), error: null });
      emitJob(meetingId);
      loaded = await ctx.loadEngines({
        language: row.language ?? settings.language,
        hotwords: settings.vocabulary,
        echoCancellation: settings.echoCancellation,
        signal: job.abort.signal,
      });
      if (job.abort.signal.aborted) return finishStopped(job);
      if (resolveRecognizers(loaded.engines.streaming, loaded.engines.offline).mode === 'none') {
        // The loader's own notes speak of recording live; this sentence is the one that fits here.
        return finish(meetingId, 'failed', NO_ASR_MESSAGE);
      }
      const outcome = await runTranscription({
        store,
        meetingId,
        engines: loaded.engines,
        language: row.language ?? settings.language,
        hotwords: settings.vocabulary,
        localSpeakerName: settings.localSpeakerName,
        signal: job.abort.signal,
        resumeMs: row.resumeMs,
        ...(options.batchFrames ? { batchFrames: options.batchFrames } : {}),
        log: (message, data) => ctx.log(`transcribe #${meetingId}: ${message}`, data),
        onEvent: (event) => forward(meetingId, event),
        onProgress: (progress) => {
          job.progress = progress;
          const now = Date.now();
          if (now - lastPersist >= (options.persistIntervalMs ?? 2000)) {
            lastPersist = now;
            store.jobs.update(meetingId, {
              processedMs: progress.processedMs,
              totalMs: progress.totalMs,
              resumeMs: progress.resumeMs,
            });
          }
          if (now - lastEmit >= (options.progressIntervalMs ?? 250)) {
            lastEmit = now;
            emitJob(meetingId);
          }
        },
      });
      if (outcome === 'stopped') return finishStopped(job);
      const { totalMs } = job.progress;
      store.jobs.update(meetingId, { processedMs: totalMs, totalMs, resumeMs: totalMs });
      finish(meetingId, 'done');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(`transcribe #${meetingId} failed`, { error: message });
      finish(
        meetingId,
        'failed',
        error instanceof NoAudioError ? `${NO_AUDIO_PREFIX}${message}` : `Transcription failed: ${message}`,
      );
    } finally {
      await loaded?.release().catch(() => undefined);
      if (store.meetings.get(meetingId)) {
        ctx.emit('archive.changed', { reason: 'updated', meetingIds: [meetingId] });
      }
    }
  }

  function finishStopped(job: Running): void {
    store.jobs.update(job.meetingId, {
      processedMs: job.progress.processedMs,
      totalMs: job.progress.totalMs,
      resumeMs: job.progress.resumeMs,
    });
    // Shutdown leaves the row 'running': the next start resumes it, like after a crash.
    if (job.stopReason === 'cancel') finish(job.meetingId, 'cancelled');
  }

  function finish(meetingId: number, state: TranscribeJobState, error?: string): void {
    try {
      store.jobs.update(meetingId, { state, error: error ?? null });
      emitJob(meetingId);
    } catch (failure) {
      // The meeting was deleted meanwhile (its job row went with it): nothing left to report.
      ctx.log(`transcribe #${meetingId}: cannot record state ${state}`, { error: String(failure) });
    }
  }

  /** The session's transcript events, as the contract's live transcript events of this meeting. */
  function forward(meetingId: number, event: SessionEvent): void {
    if (event.type === 'partial') ctx.emit('transcript.partial', partialPayload(meetingId, event));
    else if (event.type === 'final') {
      const payload = finalPayload(meetingId, event);
      if (payload) ctx.emit('transcript.final', payload);
    }
  }

  function finalPayload(meetingId: number, event: FinalEvent) {
    const segment = store.segments.get(event.segmentId);
    const speaker = store.speakers.get(event.speaker.id);
    if (!segment || !speaker) return null;
    return {
      meetingId,
      captureMs: event.captureMs,
      emittedAt: Date.now(),
      segmentKey: event.segmentKey,
      segment,
      speaker: { id: speaker.id, label: speaker.label, displayName: speaker.displayName },
      endpointAt: event.endpointAt,
      reason: event.reason,
    };
  }

  // Jobs a previous run left open resume once the backend is up (events need the server to exist).
  const resumed = options.resumeOpenJobs === false ? [] : store.jobs.listOpen().map((j) => j.meetingId);
  if (resumed.length) {
    queue.push(...resumed);
    setImmediate(() => {
      for (const id of resumed) if (queue.includes(id)) emitJob(id);
      pump();
    });
  }

  return {
    start(meetingId, language) {
      if (closed) throw new ApiException('SHUTTING_DOWN', 'The backend is shutting down.');
      if (current?.meetingId === meetingId || queue.includes(meetingId)) return jobOf(meetingId);
      const meeting = store.meetings.get(meetingId);
      if (!meeting) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
      if ((OPEN_MEETING_STATUSES as readonly string[]).includes(meeting.status)) {
        throw new ApiException(
          'INVALID_PARAMS',
          `Meeting ${meetingId} is still being recorded; transcribe it after it stops.`,
        );
      }
      if (findMeetingAudio(meeting.audioDir).length === 0) {
        throw new ApiException('INVALID_PARAMS', `Meeting ${meetingId} has no recorded audio to transcribe.`);
      }
      store.jobs.queue(meetingId, { language: language ?? null });
      queue.push(meetingId);
      emitJob(meetingId);
      const job = jobOf(meetingId);
      pump();
      return job;
    },
    async cancel(meetingId) {
      const at = queue.indexOf(meetingId);
      if (at >= 0) {
        queue.splice(at, 1);
        finish(meetingId, 'cancelled');
      } else if (current?.meetingId === meetingId) {
        const job = current;
        job.stopReason = 'cancel';
        job.abort.abort();
        await job.done;
      } else {
        throw new ApiException('NOT_FOUND', `Meeting ${meetingId} has no queued or running transcription.`);
      }
      if (!current && queue.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      return jobOf(meetingId);
    },
    jobs() {
      // A job that just finished is still `current` while its engines are released: leave it out.
      return [...(current ? [current.meetingId] : []), ...queue]
        .map(jobOf)
        .filter((j) => j.state === 'queued' || j.state === 'running');
    },
    idle() {
      if (!current && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async shutdown() {
      closed = true;
      queue.length = 0;
      const job = current;
      if (job) {
        job.stopReason = 'shutdown';
        job.abort.abort();
        await job.done;
      }
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}

function failureReason(error: string | null): 'no-asr-model' | 'no-audio' | 'error' {
  if (error?.startsWith(NO_ASR_MESSAGE)) return 'no-asr-model';
  if (error?.startsWith(NO_AUDIO_PREFIX)) return 'no-audio';
  return 'error';
}

function partialPayload(meetingId: number, event: PartialEvent) {
  return {
    meetingId,
    captureMs: event.captureMs,
    emittedAt: Date.now(),
    channel: event.channel,
    segmentKey: event.segmentKey,
    text: event.text,
    words: event.words.map((w) => ({
      text: w.text,
      startMs: w.startMs,
      endMs: w.endMs,
      confidence: w.confidence,
    })),
    startMs: event.captureStartMs,
  };
}
