import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fetchModels,
  FETCH_COLUMNS,
  formatTable,
  LIST_COLUMNS,
  listModels,
  verifyModels,
  type FetchProgress,
  type ModelsContext,
} from '../../../main/models/commands';
import type { Manifest, ModelEntry } from '../../../main/models/manifest';
import { serveFile, sha256, startLoopback, testBytes, type Loopback } from './loopback';

const ENC = testBytes(120_000, 3);
const TOK = testBytes(2_000, 4);
const EMB = testBytes(50_000, 5);

let server: Loopback;
let root: string;
let ctx: ModelsContext;

function entry(
  id: string,
  files: ModelEntry['files'],
  kind: ModelEntry['kind'] = 'asr-streaming',
): ModelEntry {
  return {
    id,
    name: `Model ${id}`,
    kind,
    family: 'zipformer2-transducer',
    description: 'test',
    languages: ['en'],
    license: { id: 'MIT', url: 'https://example.com/l', reviewRequired: id === 'asr' },
    source: 'https://example.com',
    files,
  };
}

beforeAll(async () => {
  server = await startLoopback();
  server.route('/asr/encoder.onnx', serveFile(ENC, { chunk: 20_000 }));
  server.route('/asr/tokens.txt', serveFile(TOK));
  server.route('/spk/model.onnx', serveFile(EMB));
});
afterAll(() => server.close());

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'verbatim-cmd-'));
  // Loopback http URLs are only possible in a hand-built manifest: the schema demands https.
  const manifest: Manifest = {
    schemaVersion: 1,
    packs: { default: ['asr', 'spk'] },
    models: [
      entry('asr', [
        {
          name: 'encoder.onnx',
          url: server.url('/asr/encoder.onnx'),
          bytes: ENC.length,
          sha256: sha256(ENC),
        },
        { name: 'tokens.txt', url: server.url('/asr/tokens.txt'), bytes: TOK.length, sha256: sha256(TOK) },
      ]),
      entry(
        'spk',
        [
          {
            name: 'model.onnx',
            url: server.url('/spk/model.onnx'),
            bytes: null,
            approxBytes: 50_000,
            sha256: null,
          },
        ],
        'speaker',
      ),
    ],
  };
  ctx = {
    manifest,
    locations: { userDir: join(root, 'models'), resolveNpm: null },
    download: { allowLoopbackHttp: true, retries: 0 },
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('models commands', () => {
  it('list -> fetch default -> list -> verify, with progress per file', async () => {
    const before = await listModels(ctx);
    expect(before.map((r) => [r.id, r.status, r.size, r.packs])).toEqual([
      ['asr', 'missing', '0.1 MB', 'default'],
      ['spk', 'missing', '~0.1 MB', 'default'],
    ]);
    expect(before[0]!.license).toBe('MIT (review)');

    const progress: FetchProgress[] = [];
    const report = await fetchModels('default', ctx, { onProgress: (p) => progress.push(p) });
    expect(report.ok).toBe(true);
    expect(report.rows.map((r) => [r.id, r.file, r.outcome, r.status])).toEqual([
      ['asr', 'encoder.onnx', 'downloaded', 'verified'],
      ['asr', 'tokens.txt', 'downloaded', 'verified'],
      ['spk', 'model.onnx', 'downloaded', 'unpinned'],
    ]);
    expect(report.rows[2]!.detail).toContain(sha256(EMB));
    expect(new Set(progress.map((p) => `${p.modelId}:${p.fileIndex}/${p.fileCount}`))).toEqual(
      new Set(['asr:1/3', 'asr:2/3', 'spk:3/3']),
    );
    expect(readFileSync(join(root, 'models', 'asr', 'encoder.onnx')).equals(ENC)).toBe(true);

    const after = await listModels(ctx);
    expect(after.map((r) => [r.id, r.status, r.location])).toEqual([
      ['asr', 'verified', 'user'],
      ['spk', 'unpinned', 'user'],
    ]);

    const again = await fetchModels('asr', ctx);
    expect(again.rows.map((r) => r.outcome)).toEqual(['present', 'present']);

    const verify = await verifyModels(ctx);
    expect(verify.map((r) => [r.file, r.status])).toEqual([
      ['encoder.onnx', 'verified'],
      ['tokens.txt', 'verified'],
      ['model.onnx', 'unpinned'],
    ]);
    expect(verify[2]!.detail).toMatch(new RegExp(`no pinned sha256.*50000 bytes, sha256 ${sha256(EMB)}`));
  });

  it('verify finds a corrupted file; fetch replaces it', async () => {
    await fetchModels('asr', ctx);
    const path = join(root, 'models', 'asr', 'tokens.txt');
    const bad = Buffer.from(TOK);
    bad[0] = bad[0]! ^ 0xff;
    writeFileSync(path, bad);
    const verify = await verifyModels(ctx, ['asr']);
    expect(verify.find((r) => r.file === 'tokens.txt')).toMatchObject({ status: 'corrupt' });
    expect(verify.find((r) => r.file === 'tokens.txt')!.detail).toMatch(/tokens\.txt at .* is corrupt/);
    const report = await fetchModels('asr', ctx);
    expect(report.rows.map((r) => r.outcome)).toEqual(['present', 'downloaded']);
    expect(readFileSync(path).equals(TOK)).toBe(true);
  });

  it('unknown ids and packs, and failures, come back as rows, not exceptions', async () => {
    const unknown = await fetchModels('nope', ctx);
    expect(unknown).toMatchObject({ ok: false, rows: [] });
    expect(unknown.message).toMatch(/Unknown model or pack 'nope'. Packs: default. Models: asr, spk/);

    const broken: ModelsContext = {
      ...ctx,
      manifest: {
        ...ctx.manifest!,
        models: [
          entry('asr', [{ name: 'encoder.onnx', url: server.url('/gone.onnx'), bytes: 5, sha256: null }]),
        ],
        packs: { default: ['asr'] },
      },
    };
    const failed = await fetchModels('asr', broken);
    expect(failed.ok).toBe(false);
    expect(failed.rows[0]).toMatchObject({ outcome: 'failed', status: 'missing' });
    expect(failed.rows[0]!.detail).toMatch(/encoder\.onnx.*HTTP 404/);
  });

  it('formats printable tables', async () => {
    const table = formatTable(await listModels(ctx), LIST_COLUMNS);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+STATUS\s+SIZE\s+PACKS\s+LICENSE\s+FROM$/);
    expect(lines[1]).toMatch(/^asr\s+asr-streaming\s+missing\s+0\.1 MB\s+default\s+MIT \(review\)\s+-$/);
    expect(lines[1]!.indexOf('missing')).toBe(lines[0]!.indexOf('STATUS'));
    expect(formatTable([], FETCH_COLUMNS)).toBe('MODEL  FILE  RESULT  STATUS  DETAIL');
  });

  it('with the committed manifest and an empty user folder, only Silero (from npm) is installed', async () => {
    const rows = await listModels({ locations: { userDir: join(root, 'empty') } });
    const silero = rows.find((r) => r.id === 'silero-vad-v5')!;
    expect(silero).toMatchObject({ status: 'verified', location: 'npm', kind: 'vad' });
    expect(rows.filter((r) => r.id !== 'silero-vad-v5').every((r) => r.status === 'missing')).toBe(true);
    expect(rows.find((r) => r.id === 'sense-voice-2024-07-17-int8')!.kind).toBe('asr-final+emotion');
  });
});
