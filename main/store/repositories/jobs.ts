import { StoreError } from '../errors';
import type { StoreContext } from './context';
import { requireFound } from './validate';

export const TRANSCRIBE_JOB_STATES = ['queued', 'running', 'done', 'cancelled', 'failed'] as const;
export type TranscribeJobState = (typeof TRANSCRIBE_JOB_STATES)[number];

/** The stored state of a meeting's transcribe-later job (migration 005). */
export interface TranscribeJobRow {
  meetingId: number;
  state: TranscribeJobState;
  /** Settings language override for this job, or null for the settings' own. */
  language: string | null;
  processedMs: number;
  totalMs: number;
  /** Checkpoint: both channels were fully resolved (committed, dropped or silent) before this meeting ms. */
  resumeMs: number;
  error: string | null;
  queuedAt: number;
  startedAt: number | null;
  updatedAt: number;
}

export interface JobPatch {
  state?: TranscribeJobState;
  processedMs?: number;
  totalMs?: number;
  resumeMs?: number;
  error?: string | null;
  startedAt?: number | null;
}

const COLUMNS = `meeting_id AS meetingId, state, language, processed_ms AS processedMs, total_ms AS totalMs,
  resume_ms AS resumeMs, error, queued_at AS queuedAt, started_at AS startedAt, updated_at AS updatedAt`;

export function getJob(ctx: StoreContext, meetingId: number): TranscribeJobRow | null {
  return (
    ctx.sql<TranscribeJobRow>(`SELECT ${COLUMNS} FROM transcribe_jobs WHERE meeting_id = ?`).get(meetingId) ??
    null
  );
}

/**
 * Queues a job for the meeting, replacing a finished one (done, cancelled, failed). The resume checkpoint is
 * kept: starting a cancelled job again continues it.
 */
export function queueJob(
  ctx: StoreContext,
  meetingId: number,
  options: { language?: string | null } = {},
): TranscribeJobRow {
  const now = ctx.now();
  try {
    ctx
      .sql(
        `INSERT INTO transcribe_jobs (meeting_id, state, language, processed_ms, total_ms, error, queued_at, started_at, updated_at)
         VALUES (?, 'queued', ?, 0, 0, NULL, ?, NULL, ?)
         ON CONFLICT (meeting_id) DO UPDATE SET state = 'queued', language = excluded.language,
           processed_ms = 0, error = NULL, queued_at = excluded.queued_at, started_at = NULL,
           updated_at = excluded.updated_at`,
      )
      .run(meetingId, options.language ?? null, now, now);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new StoreError('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
    }
    throw error;
  }
  return requireFound(getJob(ctx, meetingId), `The job of meeting ${meetingId}`);
}

export function updateJob(ctx: StoreContext, meetingId: number, patch: JobPatch): TranscribeJobRow {
  const current = requireFound(getJob(ctx, meetingId), `The job of meeting ${meetingId}`);
  if (patch.state !== undefined && !(TRANSCRIBE_JOB_STATES as readonly string[]).includes(patch.state)) {
    throw new StoreError('INVALID', `Unknown job state "${patch.state}".`);
  }
  const next = { ...current, ...definedOnly(patch) };
  ctx
    .sql(
      `UPDATE transcribe_jobs SET state = ?, processed_ms = ?, total_ms = ?, resume_ms = ?, error = ?, started_at = ?,
         updated_at = ? WHERE meeting_id = ?`,
    )
    .run(
      next.state,
      Math.max(0, Math.round(next.processedMs)),
      Math.max(0, Math.round(next.totalMs)),
      Math.max(0, Math.round(next.resumeMs)),
      next.error,
      next.startedAt,
      ctx.now(),
      meetingId,
    );
  return requireFound(getJob(ctx, meetingId), `The job of meeting ${meetingId}`);
}

/** Jobs a previous run left queued or running (a crash or shutdown), running first, then in queue order. */
export function listOpenJobs(ctx: StoreContext): TranscribeJobRow[] {
  return ctx
    .sql<TranscribeJobRow>(
      `SELECT ${COLUMNS} FROM transcribe_jobs WHERE state IN ('queued', 'running')
       ORDER BY state = 'running' DESC, queued_at, meeting_id`,
    )
    .all();
}

/**
 * The end of the last committed final of each channel (meeting ms; 0 without any). A channel commits in time
 * order, so its audio before that point is resolved: in a committed final, dropped as echo, or silence.
 */
export function committedEnds(ctx: StoreContext, meetingId: number): { mic: number; system: number } {
  const rows = ctx
    .sql<{ channel: 'mic' | 'system'; endMs: number }>(
      'SELECT channel, max(end_ms) AS endMs FROM segments WHERE meeting_id = ? GROUP BY channel',
    )
    .all(meetingId);
  const ends = { mic: 0, system: 0 };
  for (const r of rows) ends[r.channel] = r.endMs;
  return ends;
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
