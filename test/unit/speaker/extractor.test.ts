import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFbank, FBANK_PRESETS } from '../../../main/dsp';
import {
  cosine,
  l2Normalize,
  MIN_EMBEDDING_FRAMES,
  SpeakerEmbeddingExtractor,
  SpeakerModelError,
  speakerConfigFromMetadata,
} from '../../../main/engines/speaker';
import {
  camPlusPlusMetadata,
  camPlusPlusStubFile,
  sileroStubFile,
  stubEmbedding,
  stubRoot,
  wespeakerMetadata,
  wespeakerStubFile,
} from '../../fixtures/onnx';
import { voiceEmbeddingStubFile, voiceStubEmbedding } from '../../fixtures/onnx/speaker-voice';

const SECOND = 16000;
function speechLike(seconds: number, f0 = 140): Float32Array {
  const x = new Float32Array(seconds * SECOND);
  for (let i = 0; i < x.length; i++) {
    const t = i / SECOND;
    x[i] =
      0.3 * Math.sin(2 * Math.PI * f0 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) +
      0.05 * Math.sin(2 * Math.PI * 1200 * t);
  }
  return x;
}

function expectClose(a: Float32Array, b: Float32Array, tol = 1e-4) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
}

describe('speakerConfigFromMetadata (MODELS.md §6.2-6.3)', () => {
  it('3D-Speaker: [-1,1] samples, global-mean CMN, sherpa fbank', () => {
    const c = speakerConfigFromMetadata('m.onnx', camPlusPlusMetadata(512));
    expect(c).toMatchObject({ framework: '3d-speaker', dim: 512, cmn: true });
    expect(c.fbank).toMatchObject({ sampleScale: 1, snipEdges: false, highFreq: -400, windowType: 'povey' });
  });

  it('WeSpeaker: x32768 samples, no CMN unless overridden', () => {
    const c = speakerConfigFromMetadata('m.onnx', wespeakerMetadata(256));
    expect(c).toMatchObject({ framework: 'wespeaker', dim: 256, cmn: false });
    expect(c.fbank.sampleScale).toBe(32768);
    const calibrated = speakerConfigFromMetadata('m.onnx', wespeakerMetadata(256), {
      cmn: true,
      fbank: { snipEdges: true, highFreq: 0 },
    });
    expect(calibrated.cmn).toBe(true);
    expect(calibrated.fbank).toMatchObject({ snipEdges: true, highFreq: 0, sampleScale: 32768 });
  });

  it('rejects metadata that is not a speaker export, naming the file', () => {
    const bad = (meta: Record<string, string>) => () => speakerConfigFromMetadata('/x/model.onnx', meta);
    expect(bad({})).toThrow(/\/x\/model\.onnx.*framework/);
    expect(bad({ ...camPlusPlusMetadata(512), framework: 'nemo' })).toThrow(/nemo/);
    expect(bad({ ...camPlusPlusMetadata(512), output_dim: 'abc' })).toThrow(/output_dim/);
    expect(bad({ ...camPlusPlusMetadata(512), sample_rate: '8000' })).toThrow(/8000/);
    expect(bad({ ...camPlusPlusMetadata(512), normalize_samples: 'yes' })).toThrow(/normalize_samples/);
  });
});

describe('SpeakerEmbeddingExtractor', () => {
  it.each([
    ['CAM++ en (512)', 512],
    ['CAM++ zh (192)', 192],
  ])('%s: dimension, input names and the embedding come from the model', async (_, dim) => {
    // CMN off: the plain stub is a projection of the time mean, which CMN would zero.
    const ex = await SpeakerEmbeddingExtractor.load(camPlusPlusStubFile({ dim }), { cmn: false });
    try {
      expect(ex.dim).toBe(dim);
      expect(ex.inputName).toBe('x');
      expect(ex.outputName).toBe('embedding');
      const audio = speechLike(2);
      const feats = computeFbank(audio, FBANK_PRESETS.speaker3d);
      const e = (await ex.embed(audio))!;
      expect(e.length).toBe(dim);
      expectClose(e, l2Normalize(stubEmbedding(feats.data, feats.numFrames, dim))!);
    } finally {
      await ex.dispose();
    }
  });

  it('applies the model-declared CMN (3D-Speaker global-mean)', async () => {
    const ex = await SpeakerEmbeddingExtractor.load(camPlusPlusStubFile({ dim: 192 }));
    const f = ex.features(speechLike(2));
    for (let b = 0; b < 80; b++) {
      let mean = 0;
      for (let t = 0; t < f.numFrames; t++) mean += f.data[t * 80 + b]! / f.numFrames;
      expect(Math.abs(mean)).toBeLessThan(1e-3);
    }
    await ex.dispose();
  });

  it('WeSpeaker: feats/embs names, x32768 front-end, unit-length output', async () => {
    const ex = await SpeakerEmbeddingExtractor.load(wespeakerStubFile());
    expect([ex.inputName, ex.outputName, ex.dim]).toEqual(['feats', 'embs', 256]);
    const audio = speechLike(2);
    const feats = computeFbank(audio, FBANK_PRESETS.wespeaker);
    const e = (await ex.embed(audio))!;
    expectClose(e, l2Normalize(stubEmbedding(feats.data, feats.numFrames, 256))!);
    expect(Math.hypot(...e)).toBeCloseTo(1, 5);
    await ex.dispose();
  });

  it('the voice stub (both framings) computes what its JS reference says and tells voices apart', async () => {
    const center = new Float64Array(24);
    for (const framework of ['wespeaker', '3d-speaker'] as const) {
      const ex = await SpeakerEmbeddingExtractor.load(
        voiceEmbeddingStubFile({ center, framework, dim: 192 }),
      );
      const low = speechLike(2, 110);
      const f = ex.features(low);
      expectClose(
        (await ex.embed(low))!,
        l2Normalize(voiceStubEmbedding(f.data, f.numFrames, { center, dim: 192 }))!,
      );
      const same = cosine((await ex.embed(low))!, (await ex.embed(speechLike(2, 110).subarray(4000)))!);
      const other = cosine((await ex.embed(low))!, (await ex.embed(speechLike(2, 230)))!);
      expect(same).toBeGreaterThan(other);
      await ex.dispose();
    }
  });

  it('returns null for audio too short to embed', async () => {
    const ex = await SpeakerEmbeddingExtractor.load(wespeakerStubFile());
    expect(await ex.embed(new Float32Array(400))).toBeNull();
    expect(await ex.embed(new Float32Array(160 * MIN_EMBEDDING_FRAMES))).not.toBeNull();
    await ex.dispose();
  });

  it('fails clearly for a missing, corrupt or wrong model, naming the file', async () => {
    const missing = join(stubRoot(), 'nope', 'speaker.onnx');
    await expect(SpeakerEmbeddingExtractor.load(missing)).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      message: expect.stringContaining(missing),
    });
    const garbage = join(stubRoot(), 'garbage-speaker.onnx');
    writeFileSync(garbage, 'this is not a model');
    await expect(SpeakerEmbeddingExtractor.load(garbage)).rejects.toBeInstanceOf(SpeakerModelError);
    // A VAD model in the speaker slot: no speaker metadata.
    const vad = sileroStubFile();
    await expect(SpeakerEmbeddingExtractor.load(vad)).rejects.toMatchObject({
      code: 'MODEL_INCOMPATIBLE',
      message: expect.stringContaining(vad),
    });
    // Metadata that lies about the embedding size.
    const lying = camPlusPlusStubFile({ dim: 192, metadata: { output_dim: '512' } });
    await expect(SpeakerEmbeddingExtractor.load(lying)).rejects.toThrow(/192.*512|512.*192/);
  });
});
