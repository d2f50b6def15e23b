import { StoreError } from '../errors';
import { rowId } from '../sql';
import { stripControlChars } from '../text';
import { NOTE_KINDS, type Note, type NoteKind } from '../types';
import { NOTE_COLUMNS } from './columns';
import type { StoreContext } from './context';
import { logEdit } from './edits';
import { requireFound, requireMs } from './validate';

export interface NewNote {
  /** null: a note about the whole meeting rather than a moment in it. */
  atMs?: number | null;
  kind?: NoteKind;
  text?: string;
}

export const MAX_NOTE_LENGTH = 20_000;

function cleanNoteText(text: string): string {
  // Notes keep their line breaks (they are the user's prose); only control characters go.
  const clean = stripControlChars(text.replace(/\r\n?/g, '\n')).trim();
  if (clean.length > MAX_NOTE_LENGTH)
    throw new StoreError('INVALID', `A note can have at most ${MAX_NOTE_LENGTH} characters.`);
  return clean;
}

export function addNote(ctx: StoreContext, meetingId: number, input: NewNote): Note {
  const kind = input.kind ?? 'note';
  if (!(NOTE_KINDS as readonly string[]).includes(kind))
    throw new StoreError('INVALID', `Unknown note kind "${kind}".`);
  const atMs = input.atMs == null ? null : requireMs('A note time', input.atMs);
  const now = ctx.now();
  try {
    const result = ctx
      .sql(
        'INSERT INTO notes (meeting_id, at_ms, kind, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(meetingId, atMs, kind, cleanNoteText(input.text ?? ''), now, now);
    return requireFound(getNote(ctx, rowId(result.lastInsertRowid)), 'The new note');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new StoreError('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
    }
    throw error;
  }
}

export function getNote(ctx: StoreContext, id: number): Note | null {
  return ctx.sql<Note>(`SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.id = ?`).get(id) ?? null;
}

/** Notes about the whole meeting first, then by time. */
export function listNotes(ctx: StoreContext, meetingId: number): Note[] {
  return ctx
    .sql<Note>(
      `SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.meeting_id = ? ORDER BY n.at_ms IS NOT NULL, n.at_ms, n.id`,
    )
    .all(meetingId);
}

export function updateNoteText(ctx: StoreContext, id: number, text: string): Note {
  return ctx.db.transaction(() => {
    const current = requireFound(getNote(ctx, id), `Note ${id}`);
    const next = cleanNoteText(text);
    if (next !== current.text) {
      ctx.sql('UPDATE notes SET text = ?, updated_at = ? WHERE id = ?').run(next, ctx.now(), id);
      logEdit(ctx, {
        meetingId: current.meetingId,
        table: 'notes',
        rowId: id,
        field: 'text',
        oldValue: current.text,
        newValue: next,
      });
    }
    return requireFound(getNote(ctx, id), `Note ${id}`);
  })();
}

export function deleteNote(ctx: StoreContext, id: number): boolean {
  return ctx.db.transaction(() => {
    const current = getNote(ctx, id);
    if (!current) return false;
    ctx.sql('DELETE FROM notes WHERE id = ?').run(id);
    logEdit(ctx, {
      meetingId: current.meetingId,
      table: 'notes',
      rowId: id,
      field: 'deleted',
      oldValue: current.text,
      newValue: null,
    });
    return true;
  })();
}
