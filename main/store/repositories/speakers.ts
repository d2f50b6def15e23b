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
 * is removed. Both must belong to the same meeting. `intoId` keeps its name, centroid and voiceprint
 * link; it takes `fromId`'s name, centroid and link only where it has none.
 */
export function mergeSpeakers(ctx: StoreContext, fromId: number, intoId: number): Speaker {
  return ctx.db.transaction(() => {
    const from = requireFound(getSpeaker(ctx, fromId), `Speaker ${fromId}`);
    const into = requireFound(getSpeaker(ctx, intoId), `Speaker ${intoId}`);
    if (from.meetingId !== into.meetingId)
      throw new StoreError('INVALID', 'Speakers of different meetings cannot be merged.');
    if (fromId === intoId) return into;
    ctx.sql('UPDATE segments SET speaker_id = ? WHERE speaker_id = ?').run(intoId, fromId);
    // What only `from` knew about the voice (its centroid, its voiceprint) is not lost with it.
    ctx
      .sql(
        `UPDATE speakers SET
           centroid_model = CASE WHEN centroid IS NULL THEN (SELECT centroid_model FROM speakers WHERE id = :from) ELSE centroid_model END,
           centroid = coalesce(centroid, (SELECT centroid FROM speakers WHERE id = :from)),
           voiceprint_id = coalesce(voiceprint_id, (SELECT voiceprint_id FROM speakers WHERE id = :from))
         WHERE id = :into`,
      )
      .run({ from: fromId, into: intoId });
    // So does the name the user gave it, when the target has none.
    if (into.displayName === null && from.displayName !== null) {
      ctx
        .sql('UPDATE speakers SET display_name = ?, search_name = ? WHERE id = ?')
        .run(from.displayName, speakerSearchName(into.label, from.displayName), intoId);
    }
    ctx.sql('DELETE FROM speakers WHERE id = ?').run(fromId);
    logEdit(ctx, {
      meetingId: into.meetingId,
      table: 'speakers',
      rowId: fromId,
      field: 'merged_into',
      oldValue: null,
      newValue: intoId,
    });
    return requireFound(getSpeaker(ctx, intoId), `Speaker ${intoId}`);
  })();
}

/** Attaches (or detaches, with null) a remembered voiceprint. */
export function linkVoiceprint(ctx: StoreContext, speakerId: number, voiceprintId: number | null): Speaker {
  const result = ctx.sql('UPDATE speakers SET voiceprint_id = ? WHERE id = ?').run(voiceprintId, speakerId);
  if (result.changes === 0) throw new StoreError('NOT_FOUND', `Speaker ${speakerId} does not exist.`);
  return requireFound(getSpeaker(ctx, speakerId), `Speaker ${speakerId}`);
}

// ---- centroids (issue 7): one embedding per speaker from end-of-meeting re-clustering ------------

export interface SpeakerCentroid {
  speakerId: number;
  embedding: Float32Array;
  modelId: string;
}

/** Little-endian float32 bytes (the layout of Float32Array on every target), as voiceprints store them. */
export function embeddingBytes(embedding: Float32Array): Buffer {
  if (embedding.length === 0 || !embedding.every(Number.isFinite))
    throw new StoreError('INVALID', 'An embedding must be a non-empty vector of finite numbers.');
  return Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength);
}

export function embeddingFromBytes(blob: Uint8Array): Float32Array {
  const bytes = new Uint8Array(blob); // copy: the Buffer may share a pool and be unaligned
  return new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4));
}

/** Keeps (or, with null, drops) a speaker's centroid and the model that made it. */
export function setSpeakerCentroid(
  ctx: StoreContext,
  speakerId: number,
  embedding: Float32Array | null,
  modelId: string | null = null,
): void {
  if (embedding && !modelId?.trim())
    throw new StoreError('INVALID', 'A speaker centroid needs the id of the model that made it.');
  const result = ctx
    .sql('UPDATE speakers SET centroid = ?, centroid_model = ? WHERE id = ?')
    .run(embedding ? embeddingBytes(embedding) : null, embedding ? modelId : null, speakerId);
  if (result.changes === 0) throw new StoreError('NOT_FOUND', `Speaker ${speakerId} does not exist.`);
}

interface CentroidRow {
  speakerId: number;
  centroid: Buffer;
  modelId: string;
}

export function getSpeakerCentroid(ctx: StoreContext, speakerId: number): SpeakerCentroid | null {
  const row = ctx
    .sql<CentroidRow>(
      `SELECT id AS speakerId, centroid, centroid_model AS modelId FROM speakers
       WHERE id = ? AND centroid IS NOT NULL`,
    )
    .get(speakerId);
  return row ? { speakerId, embedding: embeddingFromBytes(row.centroid), modelId: row.modelId } : null;
}

/** The centroids of a meeting's speakers (speakers without one are left out). */
export function listSpeakerCentroids(ctx: StoreContext, meetingId: number): SpeakerCentroid[] {
  return ctx
    .sql<CentroidRow>(
      `SELECT id AS speakerId, centroid, centroid_model AS modelId FROM speakers
       WHERE meeting_id = ? AND centroid IS NOT NULL ORDER BY id`,
    )
    .all(meetingId)
    .map((row) => ({
      speakerId: row.speakerId,
      embedding: embeddingFromBytes(row.centroid),
      modelId: row.modelId,
    }));
}

// ---- split ---------------------------------------------------------------------------------------

/** First `S<n>` label not used in the meeting. */
function freeLabel(ctx: StoreContext, meetingId: number): string {
  const used = new Set(listSpeakers(ctx, meetingId).map((s) => s.label.toLowerCase()));
  let n = 1;
  while (used.has(`s${n}`)) n++;
  return `S${n}`;
}

/**
 * Diarisation put two people under one speaker: the given segments (all of one speaker) move to a new
 * speaker of the same meeting and channel. The new speaker has no centroid (segments keep no embedding)
 * and no name until the user gives one. Returns the new speaker.
 */
export function splitSpeaker(
  ctx: StoreContext,
  segmentIds: readonly number[],
  label?: string | null,
): Speaker {
  return ctx.db.transaction(() => {
    const ids = [...new Set(segmentIds)];
    if (ids.length === 0) throw new StoreError('INVALID', 'Choose at least one segment to split off.');
    const rows = ids.map((id) =>
      requireFound(
        ctx
          .sql<{
            id: number;
            meetingId: number;
            speakerId: number | null;
          }>('SELECT id, meeting_id AS meetingId, speaker_id AS speakerId FROM segments WHERE id = ?')
          .get(id),
        `Segment ${id}`,
      ),
    );
    const speakerIds = new Set(rows.map((r) => r.speakerId));
    if (speakerIds.size !== 1 || rows[0]!.speakerId === null)
      throw new StoreError('INVALID', 'The segments to split off must all belong to one speaker.');
    const from = requireFound(getSpeaker(ctx, rows[0]!.speakerId), `Speaker ${rows[0]!.speakerId}`);
    const remaining = ctx
      .sql<{ n: number }>('SELECT count(*) AS n FROM segments WHERE speaker_id = ?')
      .get(from.id)!.n;
    if (remaining === ids.length)
      throw new StoreError(
        'INVALID',
        'Splitting off every segment of a speaker would leave it empty: rename it instead.',
      );
    const created = addSpeaker(ctx, from.meetingId, {
      label: label?.trim() ? label : freeLabel(ctx, from.meetingId),
      channel: from.channel,
    });
    const move = ctx.sql('UPDATE segments SET speaker_id = ? WHERE id = ?');
    for (const id of ids) move.run(created.id, id);
    logEdit(ctx, {
      meetingId: from.meetingId,
      table: 'speakers',
      rowId: created.id,
      field: 'split_from',
      oldValue: from.id,
      newValue: ids.join(','),
    });
    return created;
  })();
}

/**
 * After end-of-meeting re-clustering moved segments, live speakers left without any segment are
 * removed (a split of someone else, not a participant), unless the user named or linked them.
 * Returns the removed speaker ids.
 */
export function removeUnusedSpeakers(ctx: StoreContext, meetingId: number): number[] {
  return ctx.db.transaction(() => {
    const ids = ctx
      .sql<{ id: number }>(
        `SELECT sp.id AS id FROM speakers sp
         WHERE sp.meeting_id = ? AND sp.channel = 'system' AND sp.display_name IS NULL
           AND sp.voiceprint_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.speaker_id = sp.id)
         ORDER BY sp.id`,
      )
      .all(meetingId)
      .map((r) => r.id);
    const remove = ctx.sql('DELETE FROM speakers WHERE id = ?');
    for (const id of ids) remove.run(id);
    return ids;
  })();
}
