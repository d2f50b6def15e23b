import { StoreError } from '../errors';
import { rowId } from '../sql';
import { cleanLine } from '../text';
import {
  MEETING_STATUSES,
  type Meeting,
  type MeetingDetail,
  type MeetingStatus,
  type MeetingSummary,
} from '../types';
import { MEETING_COLUMNS } from './columns';
import type { StoreContext } from './context';
import { logEdit } from './edits';
import { listNotes } from './notes';
import { listSegments } from './segments';
import { listSpeakers } from './speakers';
import { requireFound, requireMs } from './validate';

export interface NewMeeting {
  title?: string;
  startedAt?: number;
  endedAt?: number | null;
  status?: MeetingStatus;
  durationMs?: number;
  language?: string | null;
  audioDir?: string | null;
}

/** Changes the session makes (not the user): not written to the edits log. */
export interface MeetingStatePatch {
  status?: MeetingStatus;
  endedAt?: number | null;
  durationMs?: number;
  language?: string | null;
  audioDir?: string | null;
}

export const MAX_TITLE_LENGTH = 200;

function cleanTitle(title: string): string {
  const clean = cleanLine(title);
  if (clean.length > MAX_TITLE_LENGTH) {
    throw new StoreError('INVALID', `A title can have at most ${MAX_TITLE_LENGTH} characters.`);
  }
  return clean;
}

function requireStatus(status: string): MeetingStatus {
  if (!(MEETING_STATUSES as readonly string[]).includes(status)) {
    throw new StoreError('INVALID', `Unknown meeting status "${status}".`);
  }
  return status as MeetingStatus;
}

export function createMeeting(ctx: StoreContext, input: NewMeeting = {}): Meeting {
  const now = ctx.now();
  const result = ctx
    .sql(
      `INSERT INTO meetings (title, started_at, ended_at, status, duration_ms, language, audio_dir, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      cleanTitle(input.title ?? ''),
      requireMs('startedAt', input.startedAt ?? now),
      input.endedAt ?? null,
      requireStatus(input.status ?? 'recording'),
      requireMs('durationMs', input.durationMs ?? 0),
      input.language ?? null,
      input.audioDir ?? null,
      now,
      now,
    );
  return requireFound(getMeeting(ctx, rowId(result.lastInsertRowid)), 'The new meeting');
}

export function getMeeting(ctx: StoreContext, id: number): Meeting | null {
  return ctx.sql<Meeting>(`SELECT ${MEETING_COLUMNS} FROM meetings m WHERE m.id = ?`).get(id) ?? null;
}

export function updateMeetingState(ctx: StoreContext, id: number, patch: MeetingStatePatch): Meeting {
  const current = requireFound(getMeeting(ctx, id), `Meeting ${id}`);
  const next = {
    status: requireStatus(patch.status ?? current.status),
    endedAt: patch.endedAt === undefined ? current.endedAt : patch.endedAt,
    durationMs: requireMs('durationMs', patch.durationMs ?? current.durationMs),
    language: patch.language === undefined ? current.language : patch.language,
    audioDir: patch.audioDir === undefined ? current.audioDir : patch.audioDir,
  };
  ctx
    .sql(
      `UPDATE meetings SET status = ?, ended_at = ?, duration_ms = ?, language = ?, audio_dir = ?, updated_at = ?
       WHERE id = ?`,
    )
    .run(next.status, next.endedAt, next.durationMs, next.language, next.audioDir, ctx.now(), id);
  return requireFound(getMeeting(ctx, id), `Meeting ${id}`);
}

/** The user renames a meeting. */
export function setMeetingTitle(ctx: StoreContext, id: number, title: string): Meeting {
  return ctx.db.transaction(() => {
    const current = requireFound(getMeeting(ctx, id), `Meeting ${id}`);
    const next = cleanTitle(title);
    if (next !== current.title) {
      ctx.sql('UPDATE meetings SET title = ?, updated_at = ? WHERE id = ?').run(next, ctx.now(), id);
      logEdit(ctx, {
        meetingId: id,
        table: 'meetings',
        rowId: id,
        field: 'title',
        oldValue: current.title,
        newValue: next,
      });
    }
    return requireFound(getMeeting(ctx, id), `Meeting ${id}`);
  })();
}

export interface ListMeetingsOptions {
  limit?: number;
  offset?: number;
  status?: MeetingStatus;
}

/** Newest first, with counts for the archive list. */
export function listMeetings(ctx: StoreContext, options: ListMeetingsOptions = {}): MeetingSummary[] {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
  return ctx
    .sql<MeetingSummary>(
      `SELECT ${MEETING_COLUMNS},
         (SELECT count(*) FROM speakers WHERE meeting_id = m.id) AS speakerCount,
         (SELECT count(*) FROM segments WHERE meeting_id = m.id) AS segmentCount
       FROM meetings m
       WHERE (:status IS NULL OR m.status = :status)
       ORDER BY m.started_at DESC, m.id DESC
       LIMIT :limit OFFSET :offset`,
    )
    .all({ status: options.status ?? null, limit, offset });
}

export function countMeetings(ctx: StoreContext): number {
  return ctx.sql<{ n: number }>('SELECT count(*) AS n FROM meetings').get()?.n ?? 0;
}

/** Everything the meeting view needs, in transcript order. */
export function getMeetingDetail(ctx: StoreContext, id: number): MeetingDetail | null {
  // One read transaction: a segment written meanwhile cannot appear without its words.
  return ctx.db.transaction(() => {
    const meeting = getMeeting(ctx, id);
    if (!meeting) return null;
    return {
      meeting,
      speakers: listSpeakers(ctx, id),
      segments: listSegments(ctx, id),
      notes: listNotes(ctx, id),
    };
  })();
}

/**
 * Deletes the meeting and, by cascade, its speakers, segments, words, notes and edit history;
 * the FTS triggers remove them from the search index in the same transaction. Audio files are
 * the caller's to delete (audioDir of the returned meeting).
 */
export function deleteMeeting(ctx: StoreContext, id: number): Meeting | null {
  return ctx.db.transaction(() => {
    const meeting = getMeeting(ctx, id);
    if (!meeting) return null;
    ctx.sql('DELETE FROM meetings WHERE id = ?').run(id);
    return meeting;
  })();
}
