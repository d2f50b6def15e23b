import { StoreError } from '../errors';
import { rowId } from '../sql';
import { cleanLine } from '../text';
import { speakerSearchName } from '../migrations/003-speaker-search-name';
import { CHANNELS, type Channel, type Speaker } from '../types';
import { SPEAKER_COLUMNS } from './columns';
import type { StoreContext } from './context';
import { logEdit } from './edits';
import { requireFound } from './validate';

export interface NewSpeaker {
  label: string;
  displayName?: string | null;
  channel: Channel;
  colour?: string | null;
  voiceprintId?: number | null;
}

export const MAX_NAME_LENGTH = 80;

function cleanName(name: string, what: string): string {
  const clean = cleanLine(name);
  if (!clean) throw new StoreError('INVALID', `${what} cannot be empty.`);
  if (clean.length > MAX_NAME_LENGTH)
    throw new StoreError('INVALID', `${what} can have at most ${MAX_NAME_LENGTH} characters.`);
  return clean;
}

export function addSpeaker(ctx: StoreContext, meetingId: number, input: NewSpeaker): Speaker {
  if (!(CHANNELS as readonly string[]).includes(input.channel)) {
    throw new StoreError('INVALID', `Unknown channel "${input.channel}".`);
  }
  const label = cleanName(input.label, 'A speaker label');
  const displayName = input.displayName == null ? null : cleanName(input.displayName, 'A speaker name');
  try {
    const result = ctx
      .sql(
        `INSERT INTO speakers (meeting_id, label, display_name, channel, colour, voiceprint_id, search_name)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        meetingId,
        label,
        displayName,
        input.channel,
        input.colour ?? null,
        input.voiceprintId ?? null,
        speakerSearchName(label, displayName),
      );
    return requireFound(getSpeaker(ctx, rowId(result.lastInsertRowid)), 'The new speaker');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new StoreError('INVALID', `Meeting ${meetingId} already has a speaker labelled "${label}".`);
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new StoreError(
        'NOT_FOUND',
        `Meeting ${meetingId} (or voiceprint ${input.voiceprintId}) does not exist.`,
      );
    }
    throw error;
  }
}

export function getSpeaker(ctx: StoreContext, id: number): Speaker | null {
  return ctx.sql<Speaker>(`SELECT ${SPEAKER_COLUMNS} FROM speakers sp WHERE sp.id = ?`).get(id) ?? null;
}

export function listSpeakers(ctx: StoreContext, meetingId: number): Speaker[] {
  return ctx
    .sql<Speaker>(`SELECT ${SPEAKER_COLUMNS} FROM speakers sp WHERE sp.meeting_id = ? ORDER BY sp.id`)
    .all(meetingId);
}

/**
 * Names a speaker. Segments point at the speaker row, so the new name shows everywhere in the
 * meeting (transcript, exports, `speaker:` search) at once. null clears the name back to the label.
 */
export function renameSpeaker(ctx: StoreContext, speakerId: number, displayName: string | null): Speaker {
  return ctx.db.transaction(() => {
    const current = requireFound(getSpeaker(ctx, speakerId), `Speaker ${speakerId}`);
    const next = displayName === null ? null : cleanName(displayName, 'A speaker name');
    if (next !== current.displayName) {
      ctx
        .sql('UPDATE speakers SET display_name = ?, search_name = ? WHERE id = ?')
        .run(next, speakerSearchName(current.label, next), speakerId);
      logEdit(ctx, {
        meetingId: current.meetingId,
        table: 'speakers',
        rowId: speakerId,
        field: 'display_name',
        oldValue: current.displayName,
        newValue: next,
      });
    }
    return requireFound(getSpeaker(ctx, speakerId), `Speaker ${speakerId}`);
  })();
}

/**
 * Diarisation split one person in two: every segment of `fromId` moves to `intoId` and `fromId`
 * is removed. Both must belong to the same meeting.
 */
export function mergeSpeakers(ctx: StoreContext, fromId: number, intoId: number): Speaker {
  return ctx.db.transaction(() => {
    const from = requireFound(getSpeaker(ctx, fromId), `Speaker ${fromId}`);
    const into = requireFound(getSpeaker(ctx, intoId), `Speaker ${intoId}`);
    if (from.meetingId !== into.meetingId)
      throw new StoreError('INVALID', 'Speakers of different meetings cannot be merged.');
    if (fromId === intoId) return into;
    ctx.sql('UPDATE segments SET speaker_id = ? WHERE speaker_id = ?').run(intoId, fromId);
    ctx.sql('DELETE FROM speakers WHERE id = ?').run(fromId);
    logEdit(ctx, {
      meetingId: into.meetingId,
      table: 'speakers',
      rowId: fromId,
      field: 'merged_into',
      oldValue: null,
      newValue: intoId,
    });
    return into;
  })();
}

/** Attaches (or detaches, with null) a remembered voiceprint. */
export function linkVoiceprint(ctx: StoreContext, speakerId: number, voiceprintId: number | null): Speaker {
  const result = ctx.sql('UPDATE speakers SET voiceprint_id = ? WHERE id = ?').run(voiceprintId, speakerId);
  if (result.changes === 0) throw new StoreError('NOT_FOUND', `Speaker ${speakerId} does not exist.`);
  return requireFound(getSpeaker(ctx, speakerId), `Speaker ${speakerId}`);
}
