import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PayloadOf } from '../../../main/api';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';
import type { Manifest } from '../../../main/models/manifest';
import { serveFile, sha256, startLoopback, testBytes, type Loopback } from '../models/loopback';

/** The model manager through the contract, with a loopback HTTP server standing in for the internet. */
const WEIGHTS = testBytes(300_000, 7);
let server: Loopback;

beforeAll(async () => {
  server = await startLoopback();
  server.route('/vad/model.onnx', serveFile(WEIGHTS, { chunk: 30_000, delayMs: 5 }));
  server.route('/slow/model.onnx', serveFile(WEIGHTS, { chunk: 1000, delayMs: 50 }));
});
afterAll(() => server.close());

describe('models through the contract', () => {
  let dir: string;
  let backend: InProcessBackend;
  const manifest = (): Manifest => ({
    schemaVersion: 1,
    packs: { default: ['vad-test'] },
    models: ['vad-test', 'slow-test'].map((id) => ({
      id,
      name: `Test ${id}`,
      kind: 'vad' as const,
      family: 'silero-vad-v5' as const,
      description: 'test',
      languages: ['multi'],
      license: { id: 'MIT', url: 'https://example.com/l', reviewRequired: false },
      source: 'https://example.com',
      files: [
        {
          name: 'model.onnx',
          url: server.url(id === 'vad-test' ? '/vad/model.onnx' : '/slow/model.onnx'),
          bytes: WEIGHTS.length,
          sha256: sha256(WEIGHTS),
        },
      ],
    })),
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-models-api-'));
    backend = await startInProcessBackend({
      dataDir: dir,
      models: {
        manifest: manifest(),
        locations: { userDir: join(dir, 'models'), resolveNpm: null },
        download: { allowLoopbackHttp: true, retries: 0 },
      },
    });
  });
  afterEach(async () => {
    await backend.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists, fetches with progress events, verifies and removes a model', async () => {
    const list = await backend.client.invoke('models.list', {});
    expect(list.ok && list.value.models.map((m) => [m.id, m.status])).toEqual([
      ['vad-test', 'missing'],
      ['slow-test', 'missing'],
    ]);
    const progress: PayloadOf<'models.progress'>[] = [];
    const changed: string[][] = [];
    backend.client.on('models.progress', (p) => progress.push(p));
    backend.client.on('models.changed', (c) => changed.push(c.ids));

    const fetched = await backend.client.invoke('models.fetch', { target: 'default' });
    expect(fetched).toMatchObject({
      ok: true,
      value: { ok: true, rows: [{ id: 'vad-test', outcome: 'downloaded' }] },
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ modelId: 'vad-test', fileIndex: 1, fileCount: 1 });
    expect(changed).toEqual([['vad-test']]);

    const verified = await backend.client.invoke('models.verify', { ids: ['vad-test'] });
    expect(verified.ok && verified.value.rows.map((r) => r.status)).toEqual(['verified']);

    const removed = await backend.client.invoke('models.remove', { id: 'vad-test' });
    expect(removed).toMatchObject({ ok: true, value: { removed: true } });
    expect(existsSync(join(dir, 'models', 'vad-test'))).toBe(false);
    const after = await backend.client.invoke('models.list', {});
    expect(after.ok && after.value.models[0]!.status).toBe('missing');
  });

  it('cancels a download in flight', async () => {
    const call = backend.client.request('models.fetch', { target: 'slow-test' });
    await new Promise((r) => setTimeout(r, 150));
    call.cancel();
    expect(await call.result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });

  it('answers unknown ids and hostile ids with clear, typed results', async () => {
    const unknown = await backend.client.invoke('models.fetch', { target: 'nope' });
    expect(unknown.ok && unknown.value.ok).toBe(false);
    expect(unknown.ok && unknown.value.message).toMatch(/nope/);
    expect(await backend.client.invoke('models.remove', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await backend.client.invoke('models.remove', { id: '../../etc' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS' },
    });
  });
});
