import { ApiException, type ModelRow, type PayloadOf } from '../../main/api';
import type { Handlers } from '../../main/backend/server';

type ModelHandlers = Pick<Handlers, 'models.list' | 'models.fetch' | 'models.verify' | 'models.remove'>;

export interface FakeModels {
  handlers: ModelHandlers;
  rows: ModelRow[];
  /** The next fetch of this id emits these progress events, then waits for release() (or cancel). */
  scriptFetch(id: string, steps: PayloadOf<'models.progress'>[]): { release(): void };
}

export const MODEL_ROWS: ModelRow[] = [
  {
    id: 'silero-vad-v5.1.2',
    name: 'Silero VAD v5.1.2',
    kind: 'vad',
    packs: 'default',
    status: 'verified',
    size: '2.3 MB',
    license: 'MIT',
    languages: 'multi',
    location: 'npm',
    message: '',
  },
  {
    id: 'sensevoice-small-int8',
    name: 'SenseVoice Small (int8)',
    kind: 'asr-final+emotion',
    packs: 'default',
    status: 'missing',
    size: '~239 MB',
    license: 'FunASR model license (review)',
    languages: 'zh,en,ja,ko,yue',
    location: '-',
    message: '',
  },
];

/** In-memory model manager for renderer tests; emits through the real server so events are validated. */
export function createFakeModels(emit: {
  progress: (p: PayloadOf<'models.progress'>) => void;
  changed: (ids: string[]) => void;
}): FakeModels {
  const rows = MODEL_ROWS.map((r) => ({ ...r }));
  const scripts = new Map<string, { steps: PayloadOf<'models.progress'>[]; gate: Promise<void> }>();
  return {
    rows,
    scriptFetch(id, steps) {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      scripts.set(id, { steps, gate });
      return { release };
    },
    handlers: {
      'models.list': () => ({ models: rows.map((r) => ({ ...r })) }),
      'models.fetch': async ({ target }, { signal }) => {
        const row = rows.find((r) => r.id === target);
        if (!row) return { ok: false, rows: [], message: `Unknown model or pack '${target}'.` };
        const script = scripts.get(target);
        for (const step of script?.steps ?? []) emit.progress(step);
        await Promise.race([
          script?.gate,
          new Promise((resolve) => signal.addEventListener('abort', resolve)),
        ]);
        if (signal.aborted) return { ok: false, rows: [] };
        row.status = 'verified';
        row.location = 'user';
        emit.changed([target]);
        return {
          ok: true,
          rows: [
            { id: target, file: 'model.int8.onnx', outcome: 'downloaded', status: 'verified', detail: '' },
          ],
        };
      },
      'models.verify': ({ ids }) => ({
        rows: rows
          .filter((r) => !ids || ids.includes(r.id))
          .map((r) => ({
            id: r.id,
            file: 'model.onnx',
            status: r.status,
            source: r.location,
            sha256: '-',
            detail: '',
          })),
      }),
      'models.remove': ({ id }) => {
        const row = rows.find((r) => r.id === id);
        if (!row) throw new ApiException('NOT_FOUND', `No model '${id}'.`);
        row.status = 'missing';
        row.location = '-';
        emit.changed([id]);
        return { id, removed: true };
      },
    },
  };
}
