/**
 * The transcribe-later methods for renderer tests: an in-memory job table behind the real protocol server.
 * A started job is 'running' at 0%; the test drives it with progress() and finish(), as the backend's job
 * queue would with its events. The fake of the fake backend being built last is `transcribeFake()`.
 */
import { ApiException, type ApiError, type TranscribeJob } from '../../main/api';
import type { BackendServer, Handlers } from '../../main/backend/server';

type TranscribeMethod = 'transcribe.start' | 'transcribe.cancel' | 'transcribe.status';

export interface FakeTranscribe {
  handlers: Pick<Handlers, TranscribeMethod>;
  jobs: Map<number, TranscribeJob>;
  /** meetingId of every transcribe.start and transcribe.cancel, in order. */
  calls: Array<[TranscribeMethod, number]>;
  /** Audio length of a meeting's job (default 60 s). */
  totalMs: Map<number, number>;
  progress(meetingId: number, processedMs: number, etaMs: number | null): void;
  finish(meetingId: number, state: 'done' | 'failed' | 'cancelled', message?: string): void;
  /** Puts a job in the queue (as if another window or the CLI had started it). */
  queue(meetingId: number): void;
  failNext(error: ApiError): void;
}

let latest: FakeTranscribe | null = null;

export function transcribeFake(): FakeTranscribe {
  if (!latest) throw new Error('no fake backend has been started');
  return latest;
}

/** Handlers for startFakeBackend; `server` is read lazily (the server is built from the handlers). */
export function fakeTranscribeHandlers(server: () => BackendServer): Pick<Handlers, TranscribeMethod> {
  const jobs = new Map<number, TranscribeJob>();
  let nextError: ApiError | null = null;
  const emit = (job: TranscribeJob) => {
    jobs.set(job.meetingId, job);
    server().emit('transcribe.progress', job);
  };
  const failIfAsked = () => {
    if (!nextError) return;
    const error = nextError;
    nextError = null;
    throw new ApiException(error.code, error.message);
  };
  const fake: FakeTranscribe = {
    jobs,
    calls: [],
    totalMs: new Map(),
    handlers: {
      'transcribe.start': ({ meetingId }) => {
        fake.calls.push(['transcribe.start', meetingId]);
        failIfAsked();
        const existing = jobs.get(meetingId);
        if (existing && (existing.state === 'running' || existing.state === 'queued')) return existing;
        const job: TranscribeJob = {
          meetingId,
          state: 'running',
          processedMs: 0,
          totalMs: fake.totalMs.get(meetingId) ?? 60_000,
          etaMs: null,
        };
        emit(job);
        return job;
      },
      'transcribe.cancel': ({ meetingId }) => {
        fake.calls.push(['transcribe.cancel', meetingId]);
        failIfAsked();
        const job = jobs.get(meetingId);
        if (!job || (job.state !== 'running' && job.state !== 'queued')) {
          throw new ApiException('NOT_FOUND', `Meeting ${meetingId} has no queued or running transcription.`);
        }
        const cancelled: TranscribeJob = { ...job, state: 'cancelled', etaMs: null };
        emit(cancelled);
        return cancelled;
      },
      'transcribe.status': () => ({
        jobs: [...jobs.values()].filter((j) => j.state === 'running' || j.state === 'queued'),
      }),
    },
    progress(meetingId, processedMs, etaMs) {
      emit({ ...jobs.get(meetingId)!, state: 'running', processedMs, etaMs });
    },
    finish(meetingId, state, message) {
      const job = jobs.get(meetingId)!;
      emit({
        ...job,
        state,
        etaMs: null,
        ...(state === 'done' ? { processedMs: job.totalMs } : {}),
        ...(message ? { message } : {}),
        ...(state === 'failed' ? { reason: 'error' as const } : {}),
      });
    },
    queue(meetingId) {
      jobs.set(meetingId, { meetingId, state: 'queued', processedMs: 0, totalMs: 60_000, etaMs: null });
    },
    failNext(error) {
      nextError = error;
    },
  };
  latest = fake;
  return fake.handlers;
}
