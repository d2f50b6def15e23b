import { join } from 'node:path';
import {
  ApiException,
  type MethodName,
  type PayloadOf,
  type RecordingSession as SessionInfo,
} from '../../api';
import { recoverMeetingAudio } from '../../audio/recorder';
import type { Store } from '../../store';
import { RecordingSession } from '../recording/session';
import type { Handler } from '../server';

type RecordingMethod = Extract<MethodName, `recording.${string}`>;
export type RecordingHandlers = { [M in RecordingMethod]: Handler<M> };

export interface RecordingDeps {
  store: Store;
  dataDir: string;
  emitState(payload: PayloadOf<'recording.state'>): void;
  emitLevel(payload: PayloadOf<'recording.level'>): void;
  emitWarning(payload: PayloadOf<'recording.warning'>): void;
  /** Tests: a short silent-source delay, a short flush cadence. */
  silentSourceMs?: number;
  flushIntervalMs?: number;
}

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
 * The recording contract: one session at a time. The session writes audio; this layer owns the meeting
 * row (recording -> paused -> finalizing -> done, or interrupted at shutdown) and the events.
 */
export function recordingService(deps: RecordingDeps): RecordingService {
  let current: RecordingSession | null = null;
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
      const summaries = await closing.catch(() => []);
      const durationMs = Math.max(0, ...summaries.map((s) => s.durationMs));
      // Compaction failures keep the WAV (MeetingRecorder.compact reports, never throws).
      await session.compact();
      session.state = 'done';
      deps.store.meetings.updateState(session.meetingId, { status: 'done', durationMs, endedAt: Date.now() });
      finished = session;
      current = null;
      emitState(session, reason, message);
      return session.info();
    })().finally(() => {
      stopping = null;
    });
    return stopping;
  }

  const handlers: RecordingHandlers = {
    'recording.start': async ({ title, autoStopMs }) => {
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
      const session: RecordingSession = new RecordingSession({
        meetingId: meeting.id,
        title: meeting.title,
        audioDir,
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
        },
      });
      current = session;
      emitState(session);
      return { sessionId: session.sessionId, meetingId: meeting.id };
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
        await session.pause();
        deps.store.meetings.updateState(session.meetingId, { status: 'paused' });
        emitState(session, 'user');
      }
      return session.info();
    },
    'recording.resume': async ({ sessionId }) => {
      const session = sessionFor(sessionId);
      if (session.state === 'paused') {
        await session.resume();
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
      const summaries = await session.close().catch(() => []);
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
