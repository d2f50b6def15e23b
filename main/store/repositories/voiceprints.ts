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
