import { StoreError } from '../errors';
import type { StoreContext } from '../repositories/context';
import { logEdit } from '../repositories/edits';
import {
  acceptWord,
  correctWord,
  getSegment,
  refreshMinWordConfidence,
  replaceWords,
  writeWords,
} from '../repositories/segments';
import { requireFound } from '../repositories/validate';
import { cleanLine, tokens } from '../text';
import type { SegmentWithWords, Word } from '../types';
import { wordKey } from './rank';

/**
 * Review actions (accept, correct, fix all occurrences, add to vocabulary) and their undo. Each action
 * runs in one transaction together with its journal row in review_actions (migration 6), which holds the
 * touched segments as they were before, so undo restores exactly that, as one step however many
 * segments a "fix all" changed. The edits table keeps the audit trail of both the action and its undo.
 */

/** Journal rows kept; older ones are dropped (undo reaches back this far). */
export const UNDO_DEPTH = 200;

type ActionKind = 'accept' | 'correct' | 'fix-all' | 'vocabulary';

interface SegmentSnapshot {
  segmentId: number;
  /** The segment's revision right after the action: undo refuses when a later edit changed it. */
  revisionAfter: number;
  text: string;
  words: Word[];
  /** accept: only these words' review marks are undone (others may have been accepted since). */
  acceptedOrds?: number[];
}

interface ActionPayload {
  segments?: SegmentSnapshot[];
  word?: string;
}

export interface ReviewChange {
  meetingId: number | null;
  segmentIds: number[];
  /** Words the action accepted or changed. */
  words: number;
}

export interface UndoResult {
  kind: ActionKind;
  meetingId: number | null;
  segmentIds: number[];
  /** For an undone vocabulary addition: the word to take out of the vocabulary again. */
  word: string | null;
}

function requireRun(segment: SegmentWithWords, ords: readonly number[]): Word[] {
  if (ords.length === 0) throw new StoreError('INVALID', 'Name at least one word.');
  const first = segment.words.findIndex((w) => w.ord === ords[0]);
  const run = first < 0 ? [] : segment.words.slice(first, first + ords.length);
  if (run.length !== ords.length || run.some((w, i) => w.ord !== ords[i])) {
    throw new StoreError('INVALID', `Words ${ords.join(', ')} are not a run of segment ${segment.id}.`);
  }
  return run;
}

function snapshot(segment: SegmentWithWords): Omit<SegmentSnapshot, 'revisionAfter'> {
  return { segmentId: segment.id, text: segment.text, words: segment.words.map((w) => ({ ...w })) };
}

function journal(
  ctx: StoreContext,
  kind: ActionKind,
  meetingId: number | null,
  payload: ActionPayload,
): void {
  ctx
    .sql('INSERT INTO review_actions (meeting_id, kind, payload, at) VALUES (?, ?, ?, ?)')
    .run(meetingId, kind, JSON.stringify(payload), ctx.now());
  ctx.sql('DELETE FROM review_actions WHERE id <= (SELECT max(id) FROM review_actions) - ?').run(UNDO_DEPTH);
}

function revisionOf(ctx: StoreContext, segmentId: number): number {
  return ctx.sql<{ r: number }>('SELECT revision AS r FROM segments WHERE id = ?').get(segmentId)?.r ?? -1;
}

/** Marks the words human-verified. */
export function acceptSpan(ctx: StoreContext, segmentId: number, ords: readonly number[]): ReviewChange {
  return ctx.db.transaction(() => {
    const segment = requireFound(getSegment(ctx, segmentId), `Segment ${segmentId}`);
    const run = requireRun(segment, ords);
    const acceptedOrds = run.filter((w) => w.reviewedAt === null).map((w) => w.ord);
    for (const ord of acceptedOrds) acceptWord(ctx, segmentId, ord);
    if (acceptedOrds.length > 0) {
      journal(ctx, 'accept', segment.meetingId, {
        segments: [{ ...snapshot(segment), acceptedOrds, revisionAfter: revisionOf(ctx, segmentId) }],
      });
    }
    return { meetingId: segment.meetingId, segmentIds: [segmentId], words: acceptedOrds.length };
  })();
}

/**
 * Replaces a run of words with what the user typed. Same number of words: each word is corrected in
 * place (timing and confidence kept, original text kept, verified); another number: the run is
 * replaced (see replaceWords). The segment text and the search index follow.
 */
export function correctSpan(
  ctx: StoreContext,
  segmentId: number,
  ords: readonly number[],
  text: string,
): ReviewChange {
  const next = cleanLine(text).split(' ').filter(Boolean);
  if (next.length === 0) throw new StoreError('INVALID', 'A correction cannot be empty.');
  return ctx.db.transaction(() => {
    const segment = requireFound(getSegment(ctx, segmentId), `Segment ${segmentId}`);
    requireRun(segment, ords);
    if (next.length === ords.length) {
      ords.forEach((ord, i) => correctWord(ctx, segmentId, ord, next[i]!));
    } else {
      replaceWords(ctx, segmentId, ords, next);
    }
    journal(ctx, 'correct', segment.meetingId, {
      segments: [{ ...snapshot(segment), revisionAfter: revisionOf(ctx, segmentId) }],
    });
    return { meetingId: segment.meetingId, segmentIds: [segmentId], words: ords.length };
  })();
}

/** `text` with its word core (first to last letter or digit) replaced, keeping punctuation around it. */
export function replaceCore(text: string, replacement: string): string {
  const core = /[\p{L}\p{N}\p{Co}](?:.*[\p{L}\p{N}\p{Co}])?/su.exec(text);
  if (!core) return replacement;
  return text.slice(0, core.index) + replacement + text.slice(core.index + core[0].length);
}

/**
 * Every word of the meeting that reads as `from` (ignoring case, accents and surrounding punctuation)
 * becomes `to`, punctuation kept: "Kubernetis," -> "Kubernetes,". Each is a verified correction.
 */
export function fixAllOccurrences(
  ctx: StoreContext,
  meetingId: number,
  from: string,
  to: string,
): ReviewChange {
  const key = wordKey(from);
  const replacement = cleanLine(to);
  if (tokens(from).length === 0) throw new StoreError('INVALID', 'Name the word to replace.');
  if (!replacement) throw new StoreError('INVALID', 'A correction cannot be empty.');
  return ctx.db.transaction(() => {
    requireFound(ctx.sql('SELECT id FROM meetings WHERE id = ?').get(meetingId), `Meeting ${meetingId}`);
    const matches = ctx
      .sql<{ segmentId: number; ord: number; text: string }>(
        `SELECT w.segment_id AS segmentId, w.ord AS ord, w.text AS text
         FROM segments s JOIN words w ON w.segment_id = s.id
         WHERE s.meeting_id = ? ORDER BY s.start_ms, s.id, w.ord`,
      )
      .all(meetingId)
      .filter((w) => wordKey(w.text) === key);
    if (matches.length === 0) return { meetingId, segmentIds: [], words: 0 };
    const segmentIds = [...new Set(matches.map((m) => m.segmentId))];
    const before = segmentIds.map((id) => snapshot(requireFound(getSegment(ctx, id), `Segment ${id}`)));
    for (const m of matches) correctWord(ctx, m.segmentId, m.ord, replaceCore(m.text, replacement));
    journal(ctx, 'fix-all', meetingId, {
      segments: before.map((s) => ({ ...s, revisionAfter: revisionOf(ctx, s.segmentId) })),
    });
    return { meetingId, segmentIds, words: matches.length };
  })();
}

/** Journals a vocabulary addition (the settings change itself is the backend's) so undo can reverse it. */
export function recordVocabularyAddition(ctx: StoreContext, word: string): void {
  journal(ctx, 'vocabulary', null, { word });
}

/**
 * Undoes the last review action not undone yet; null when there is none. A segment changed after the
 * action (by an edit elsewhere) is not overwritten: the undo is refused and that journal entry dropped,
 * so the next undo reaches the action before it.
 */
export function undoLastAction(ctx: StoreContext): UndoResult | null {
  const row = ctx
    .sql<{ id: number; kind: ActionKind; meetingId: number | null; payload: string }>(
      `SELECT id, kind, meeting_id AS meetingId, payload FROM review_actions
       WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1`,
    )
    .get();
  if (!row) return null;
  const payload = JSON.parse(row.payload) as ActionPayload;
  const segments = payload.segments ?? [];
  const stale = segments.find((s) => revisionOf(ctx, s.segmentId) !== s.revisionAfter);
  if (stale) {
    ctx.sql('DELETE FROM review_actions WHERE id = ?').run(row.id);
    throw new StoreError(
      'INVALID',
      'That change can no longer be undone: the transcript was edited again after it.',
    );
  }
  return ctx.db.transaction((): UndoResult => {
    for (const s of segments) {
      if (s.acceptedOrds) undoAccept(ctx, row.meetingId, s);
      else restoreSegment(ctx, row.meetingId, s);
    }
    ctx.sql('UPDATE review_actions SET undone_at = ? WHERE id = ?').run(ctx.now(), row.id);
    return {
      kind: row.kind,
      meetingId: row.meetingId,
      segmentIds: segments.map((s) => s.segmentId),
      word: payload.word ?? null,
    };
  })();
}

function undoAccept(ctx: StoreContext, meetingId: number | null, s: SegmentSnapshot): void {
  for (const ord of s.acceptedOrds ?? []) {
    const { changes } = ctx
      .sql('UPDATE words SET reviewed_at = NULL WHERE segment_id = ? AND ord = ? AND reviewed_at IS NOT NULL')
      .run(s.segmentId, ord);
    if (changes === 0) continue;
    logEdit(ctx, {
      meetingId,
      table: 'segments',
      rowId: s.segmentId,
      field: `word[${ord}].reviewed_at`,
      oldValue: 'undo',
      newValue: null,
    });
  }
}

/** Puts a segment's text and words back as they were; the revision still moves forward (an edit). */
function restoreSegment(ctx: StoreContext, meetingId: number | null, s: SegmentSnapshot): void {
  const current = getSegment(ctx, s.segmentId);
  if (!current) return; // deleted since: nothing to restore into
  writeWords(ctx, s.segmentId, s.words);
  ctx.sql('UPDATE segments SET text = ?, revision = revision + 1 WHERE id = ?').run(s.text, s.segmentId);
  refreshMinWordConfidence(ctx, s.segmentId);
  logEdit(ctx, {
    meetingId,
    table: 'segments',
    rowId: s.segmentId,
    field: 'text',
    oldValue: current.text,
    newValue: s.text,
  });
}
