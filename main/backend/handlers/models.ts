import { rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ApiException, type MethodName } from '../../api';
import { fetchModels, listModels, verifyModels, type ModelsContext } from '../../models/commands';
import { findModel, loadManifest } from '../../models/manifest';
import type { Handler } from '../server';

type ModelMethod = Extract<MethodName, `models.${string}`>;
export type ModelHandlers = { [M in ModelMethod]: Handler<M> };

export interface ModelEvents {
  progress: (p: {
    modelId: string;
    file: string;
    fileIndex: number;
    fileCount: number;
    phase: 'waiting' | 'downloading' | 'verifying';
    received: number;
    total: number | null;
    bytesPerSecond: number;
  }) => void;
  changed: (ids: string[]) => void;
}

/** Progress events are throttled: a fast download must not flood the renderer (one per 100 ms per file). */
const PROGRESS_INTERVAL_MS = 100;

export function modelHandlers(ctx: ModelsContext, events: ModelEvents): ModelHandlers {
  return {
    'models.list': async () => ({ models: await listModels(ctx) }),
    'models.fetch': async ({ target }, { signal }) => {
      const last = new Map<string, number>();
      const report = await fetchModels(target, ctx, {
        signal,
        onProgress: (p) => {
          const key = `${p.modelId}/${p.file}`;
          const now = Date.now();
          const done = p.total !== null && p.received >= p.total;
          if (!done && p.phase === 'downloading' && now - (last.get(key) ?? 0) < PROGRESS_INTERVAL_MS) return;
          last.set(key, now);
          events.progress({
            modelId: p.modelId,
            file: p.file,
            fileIndex: p.fileIndex,
            fileCount: p.fileCount,
            phase: p.phase,
            received: p.received,
            total: p.total,
            bytesPerSecond: p.bytesPerSecond,
          });
        },
      });
      const touched = [...new Set(report.rows.filter((r) => r.outcome === 'downloaded').map((r) => r.id))];
      if (touched.length) events.changed(touched);
      return report.message === undefined ? { ok: report.ok, rows: report.rows } : { ...report };
    },
    'models.verify': async ({ ids }) => ({ rows: await verifyModels(ctx, ids) }),
    'models.remove': async ({ id }) => {
      const model = findModel(ctx.manifest ?? loadManifest(), id);
      if (!model) throw new ApiException('NOT_FOUND', `No model '${id}' in the catalogue.`);
      const userDir = resolve(ctx.locations.userDir);
      const folder = resolve(join(userDir, model.id));
      // The id is validated by the contract, but the folder must still be strictly inside userDir.
      const rel = relative(userDir, folder);
      if (!rel || rel.startsWith('..'))
        throw new ApiException('INVALID_PARAMS', `Refusing to remove ${folder}.`);
      try {
        await rm(folder, { recursive: true, force: true });
      } catch (error) {
        throw new ApiException('IO_ERROR', `Could not remove ${folder}: ${(error as Error).message}`);
      }
      events.changed([model.id]);
      return { id: model.id, removed: true };
    },
  };
}
