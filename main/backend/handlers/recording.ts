import { join } from 'node:path';
import {
  ApiException,
  type MethodName,
  type PayloadOf,
  type RecordingSession as SessionInfo,
} from '../../api';
import { recoverMeetingAudio } from '../../audio/recorder';
import type { Store } from '../../store';
import type { BackendContext } from '../context';
import { LiveTranscriber } from '../recording/live';
import { RecordingSession } from '../recording/session';
import type { Handler } from '../server';

type RecordingMethod = Extract<MethodName, `recording.${string}`>;
export type RecordingHandlers = { [M in RecordingMethod]: Handler<M> };

/** Tests: a short silent-source delay, a short flush cadence. */
export interface RecordingOptions {
  silentSourceMs?: number;
  flushIntervalMs?: number;
}

/** What the recording contract uses of the backend context. */
export type RecordingContext = Pick<
  BackendContext,
  'store' | 'dataDir' | 'settings' | 'loadEngines' | 'emit' | 'log'
>;

export interface RecordingService {
  handlers: RecordingHandlers;
  /** Backend shutdown: closes a running session's files cleanly and marks its meeting interrupted. */
  shutdown(): Promise<void>;
  /** Resolves when start-up audio recovery of interrupted meetings has finished (tests). */
  recovered: Promise<void>;
}

/** Where a meeting's audio lives: inside the data folder, one folder per meeting id. */
export const recordingsDirFor = (dataDir: string, meetingId: number) =>
  join(dataDir, 'recordings', String(meetingId));

/**
 * The recording contract: one session at a time. The session writes audio; in 'live' mode a LiveTranscriber
 * next to it transcribes the same frames (main/backend/recording/live.ts). This layer owns the meeting row
 * (recording -> paused -> finalizing -> done, or interrupted at shutdown) and the recording.* events; the
 * pipeline never writes the meeting's status (manageMeetingStatus: false), so the two never disagree.
 */
export function recordingService(ctx: RecordingContext, options: RecordingOptions = {}): RecordingService {
  const deps = {
    store: ctx.store,
    dataDir: ctx.dataDir,
    emitState: (p: PayloadOf<'recording.state'>) => ctx.emit('recording.state', p),
    emitLevel: (p: PayloadOf<'recording.level'>) => ctx.emit('recording.level', p),
    emitWarning: (p: PayloadOf<'recording.warning'>) => ctx.emit('recording.warning', p),
    ...options,
  };
  let current: RecordingSession | null = null;
  /** The live pipeline of the current session ('live' mode), by session id. */
  const transcribers = new Map<string, LiveTranscriber>();
  /** The last finished session: late frame batches for it get a polite answer, not NOT_FOUND. */
  let finished: RecordingSession | null = null;
  let stopping: Promise<SessionInfo> | null = null;

  const emitState = (
    s: RecordingSession,
    reason?: PayloadOf<'recording.state'>['reason'],
    message?: string,
  ) =>
    deps.emitState({
      sessionId: s.sessionId,
      meetingId: s.meetingId,
      state: s.state,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    });

  const sessionFor = (sessionId: string): RecordingSession => {
    if (current?.sessionId === sessionId) return current;
    throw new ApiException('NOT_FOUND', `No recording session '${sessionId}' is running.`);
  };

  async function stop(
    session: RecordingSession,
    reason: 'user' | 'auto-stop' | 'error',
    message?: string,
  ): Promise<SessionInfo> {
    // Stop is reachable from the user, auto-stop and a write failure at once: the first one wins.
    if (stopping) return stopping;
    stopping = (async () => {
      deps.store.meetings.updateState(session.meetingId, { status: 'finalizing' });
      const closing = session.close();
      emitState(session, reason, message);
      // The pipeline commits the last words while the recorder closes its files; neither waits for the other.
      const live = transcribers.get(session.sessionId);
      const [summaries] = await Promise.all([
        closing.catch(() => []),
        live?.stop().catch((error) => ctx.log('live transcription did not stop cleanly', error)),
      ]);
      transcribers.delete(session.sessionId);
      const durationMs = Math.max(0, ...summaries.map((s) => s.durationMs));
      // Compaction failures keep the WAV (MeetingRecorder.compact reports, never throws).
      await session.compact();
      session.state = 'done';
      deps.store.meetings.updateState(session.meetingId, { status: 'done', durationMs, endedAt: Date.now() });
      finished = session;
      current = null;
      emitState(session, reason, message);
      ctx.emit('archive.changed', { reason: 'updated', meetingIds: [session.meetingId] });
      return session.info();
    })().finally(() => {
      stopping = null;
    });
    return stopping;
  }

  const handlers: RecordingHandlers = {
    'recording.start': async ({ title, autoStopMs, mode, remoteSpeakers, echoCancellation }) => {
      if (current) {
        throw new ApiException(
          'INVALID_PARAMS',
          `A recording is already running (meeting ${current.meetingId}); stop it first.`,
        );
      }
      const startedAt = Date.now();
      const meeting = deps.store.meetings.create({
        ...(title?.trim() ? { title } : { title: defaultTitle(startedAt) }),
        startedAt,
        status: 'recording',
      });
      const audioDir = recordingsDirFor(deps.dataDir, meeting.id);
      deps.store.meetings.updateState(meeting.id, { audioDir });
      const live =
        mode === 'live'
          ? new LiveTranscriber({
              store: deps.store,
              meetingId: meeting.id,
              loadEngines: ctx.loadEngines,
              settings: {
                ...ctx.settings.get(),
                ...(echoCancellation === undefined ? {} : { echoCancellation }),
              },
              ...(remoteSpeakers === undefined ? {} : { remoteSpeakers }),
              emit: ctx.emit,
              log: ctx.log,
              onRecordOnly: () => {
                session.mode = 'record-only';
              },
            })
          : null;
      const session: RecordingSession = new RecordingSession({
        meetingId: meeting.id,
        title: meeting.title,
        audioDir,
        mode: live ? 'live' : 'record-only',
        ...(autoStopMs === undefined ? {} : { autoStopMs }),
        ...(deps.silentSourceMs === undefined ? {} : { silentSourceMs: deps.silentSourceMs }),
        ...(deps.flushIntervalMs === undefined ? {} : { flushIntervalMs: deps.flushIntervalMs }),
        events: {
          level: (channel, rmsDb, peakDb) =>
            deps.emitLevel({ sessionId: session.sessionId, channel, rmsDb, peakDb }),
          warning: (channel, kind, message) =>
            deps.emitWarning({ sessionId: session.sessionId, channel, kind, message }),
          autoStop: () => void stop(session, 'auto-stop').catch(() => undefined),
          failed: (error) =>
            void stop(session, 'error', `Recording failed: ${error.message}`).catch(() => undefined),
          ...(live ? { recorded: (frame) => live.pushFrame(frame) } : {}),
        },
      });
      if (live) transcribers.set(session.sessionId, live);
      current = session;
      // Resolving the installed models takes milliseconds; loading them runs on while audio is captured.
      await live?.planned;
      emitState(session);
      return {
        sessionId: session.sessionId,
        meetingId: meeting.id,
        mode: session.mode,
        ...(live?.message ? { message: live.message } : {}),
      };
    },
    'recording.frames': async ({ sessionId, channel, frames }) => {
      if (finished?.sessionId === sessionId || (current?.sessionId === sessionId && !current.active)) {
        // Batches still in flight when the session stopped (auto-stop, stop from another window).
        return { accepted: 0, state: (finished?.sessionId === sessionId ? finished : current)!.state };
      }
      const session = sessionFor(sessionId);
      let accepted: number;
      try {
        accepted = await session.push(channel, frames);
      } catch (error) {
        throw new ApiException('IO_ERROR', (error as Error).message);
      }
      return { accepted, state: session.state };
    },
    'recording.pause': async ({ sessionId }) => {
      const session = sessionFor(sessionId);
      if (session.state === 'recording') {
        // The recorder pauses at once; the pipeline's flush of the words before the pause runs alongside.
        await Promise.all([session.pause(), transcribers.get(sessionId)?.pause()]);
        deps.store.meetings.updateState(session.meetingId, { status: 'paused' });
        emitState(session, 'user');
      }
      return session.info();
    },
    'recording.resume': async ({ sessionId }) => {
      const session = sessionFor(sessionId);
      if (session.state === 'paused') {
        await Promise.all([session.resume(), transcribers.get(sessionId)?.resume()]);
        deps.store.meetings.updateState(session.meetingId, { status: 'recording' });
        emitState(session, 'user');
      }
      return session.info();
    },
    'recording.stop': async ({ sessionId }) => {
      if (finished?.sessionId === sessionId) return finished.info();
      return stop(sessionFor(sessionId), 'user');
    },
    'recording.status': () => ({ session: current?.info() ?? null }),
  };

  return {
    handlers,
    recovered: recoverInterrupted(deps.store),
    async shutdown() {
      if (stopping) await stopping.catch(() => undefined);
      const session = current;
      if (!session) return;
      current = null;
      const live = transcribers.get(session.sessionId);
      transcribers.delete(session.sessionId);
      // The pipeline still commits what it heard: those finals survive as the interrupted meeting's transcript.
      const [summaries] = await Promise.all([
        session.close().catch(() => []),
        live?.stop().catch((error) => ctx.log('live transcription did not stop cleanly', error)),
      ]);
      session.state = 'interrupted';
      deps.store.meetings.updateState(session.meetingId, {
        status: 'interrupted',
        durationMs: Math.max(0, ...summaries.map((s) => s.durationMs)),
        endedAt: Date.now(),
      });
      emitState(session, 'shutdown');
    },
  };
}

/**
 * Meetings the store found open at start-up (a crash mid-recording) are already marked interrupted;
 * their WAVs may still carry a stale header or a torn last frame. Repair them and take the duration
 * from the audio (a record-only meeting has no segments to take it from). Cheap: only those meetings.
 */
async function recoverInterrupted(store: Store): Promise<void> {
  for (const id of store.startup.interrupted) {
    const meeting = store.meetings.get(id);
    if (!meeting?.audioDir) continue;
    try {
      const results = await recoverMeetingAudio(meeting.audioDir);
      const durationMs = Math.max(meeting.durationMs, ...results.map((r) => r.durationMs));
      if (durationMs !== meeting.durationMs) store.meetings.updateState(id, { durationMs });
    } catch {
      // A missing folder (nothing was captured) or an unreadable file: the meeting stays as it is.
    }
  }
}

function defaultTitle(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `Recording ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
