import { StoreError } from '../errors';
import { rowId } from '../sql';
import { cleanLine } from '../text';
import type { Voiceprint } from '../types';
import type { StoreContext } from './context';

interface VoiceprintRow {
  id: number;
  name: string;
  embedding: Buffer;
  modelId: string;
  createdAt: number;
}

const COLUMNS = 'id, name, embedding, model_id AS modelId, created_at AS createdAt';

/** Embeddings are stored as little-endian float32 bytes, the layout of Float32Array on every target. */
function toVoiceprint(row: VoiceprintRow): Voiceprint {
  const bytes = new Uint8Array(row.embedding); // copy: the Buffer may share a pool and be unaligned
  return { ...row, embedding: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4) };
}

export function addVoiceprint(
  ctx: StoreContext,
  input: { name: string; embedding: Float32Array; modelId: string },
): Voiceprint {
  const name = cleanLine(input.name);
  if (!name) throw new StoreError('INVALID', 'A voiceprint needs a name.');
  if (input.embedding.length === 0 || !input.embedding.every(Number.isFinite)) {
    throw new StoreError('INVALID', 'A voiceprint embedding must be a non-empty vector of finite numbers.');
  }
  const bytes = Buffer.from(input.embedding.buffer, input.embedding.byteOffset, input.embedding.byteLength);
  const result = ctx
    .sql('INSERT INTO voiceprints (name, embedding, model_id, created_at) VALUES (?, ?, ?, ?)')
    .run(name, bytes, input.modelId, ctx.now());
  const created = getVoiceprint(ctx, rowId(result.lastInsertRowid));
  if (!created) throw new StoreError('NOT_FOUND', 'The new voiceprint');
  return created;
}

export function getVoiceprint(ctx: StoreContext, id: number): Voiceprint | null {
  const row = ctx.sql<VoiceprintRow>(`SELECT ${COLUMNS} FROM voiceprints WHERE id = ?`).get(id);
  return row ? toVoiceprint(row) : null;
}

export function listVoiceprints(ctx: StoreContext, modelId?: string): Voiceprint[] {
  return ctx
    .sql<VoiceprintRow>(
      `SELECT ${COLUMNS} FROM voiceprints WHERE :modelId IS NULL OR model_id = :modelId ORDER BY name, id`,
    )
    .all({ modelId: modelId ?? null })
    .map(toVoiceprint);
}

/** Forgetting a voice: speakers linked to it keep their names but lose the link. */
export function deleteVoiceprint(ctx: StoreContext, id: number): boolean {
  return ctx.sql('DELETE FROM voiceprints WHERE id = ?').run(id).changes > 0;
}

export function renameVoiceprint(ctx: StoreContext, id: number, name: string): Voiceprint {
  const clean = cleanLine(name);
  if (!clean) throw new StoreError('INVALID', 'A voiceprint needs a name.');
  if (clean.length > 80) throw new StoreError('INVALID', 'A voiceprint name can have at most 80 characters.');
  if (ctx.sql('UPDATE voiceprints SET name = ? WHERE id = ?').run(clean, id).changes === 0)
    throw new StoreError('NOT_FOUND', `Voiceprint ${id} does not exist.`);
  return getVoiceprint(ctx, id)!;
}

/** Speakers whose voiceprint this is, with their meetings (to tell open views what changed). */
export function voiceprintSpeakers(
  ctx: StoreContext,
  id: number,
): { speakerId: number; meetingId: number }[] {
  return ctx
    .sql<{
      speakerId: number;
      meetingId: number;
    }>('SELECT id AS speakerId, meeting_id AS meetingId FROM speakers WHERE voiceprint_id = ? ORDER BY id')
    .all(id);
}

/**
 * Forgets a voice for good (issue 7 §3, "deleted from disk"): the voiceprint row goes, and so do the
 * centroids of the speakers it was saved from or linked to (the same voice data); those speakers keep
 * their names. SQLite normally leaves deleted bytes in free pages and in the write-ahead log, so the
 * delete runs with secure_delete (freed content is overwritten with zeros) and the log is checkpointed
 * and truncated afterwards. Returns the meetings whose speakers changed, or null when there was no such
 * voiceprint.
 */
export function forgetVoiceprint(ctx: StoreContext, id: number): { meetingIds: number[] } | null {
  const previous = ctx.db.pragma('secure_delete', { simple: true }) as number;
  ctx.db.pragma('secure_delete = ON');
  try {
    const meetingIds = ctx.db.transaction(() => {
      const linked = voiceprintSpeakers(ctx, id);
      if (!getVoiceprint(ctx, id)) return null;
      ctx
        .sql(
          'UPDATE speakers SET voiceprint_id = NULL, centroid = NULL, centroid_model = NULL WHERE voiceprint_id = ?',
        )
        .run(id);
      ctx.sql('DELETE FROM voiceprints WHERE id = ?').run(id);
      return [...new Set(linked.map((s) => s.meetingId))];
    })();
    if (meetingIds === null) return null;
    try {
      ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A busy reader can block the checkpoint; the next one overwrites the frames.
    }
    return { meetingIds };
  } finally {
    ctx.db.pragma(`secure_delete = ${Number(previous) || 0}`);
  }
}

/** Refines a voiceprint in place (a new meeting of the same voice blended in), optionally renaming it. */
export function updateVoiceprint(
  ctx: StoreContext,
  id: number,
  input: { embedding: Float32Array; name?: string },
): Voiceprint {
  const current = getVoiceprint(ctx, id);
  if (!current) throw new StoreError('NOT_FOUND', `Voiceprint ${id} does not exist.`);
  if (input.embedding.length !== current.embedding.length || !input.embedding.every(Number.isFinite))
    throw new StoreError('INVALID', 'A voiceprint can only be refined by an embedding of the same model.');
  const bytes = Buffer.from(input.embedding.buffer, input.embedding.byteOffset, input.embedding.byteLength);
  ctx.sql('UPDATE voiceprints SET embedding = ? WHERE id = ?').run(bytes, id);
  return input.name === undefined ? getVoiceprint(ctx, id)! : renameVoiceprint(ctx, id, input.name);
}
