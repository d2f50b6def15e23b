import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { computeFbank, FBANK_PRESETS } from '../../../../main/dsp';
import {
  createZipformerRecognizer,
  ZipformerModelError,
  type ZipformerRecognizer,
} from '../../../../main/engines/asr/zipformer';
import { zipformer2AffineStubDir as zipformer2StubDir } from '../../../fixtures/onnx/zipformer-affine';
import { zipformerV1StubDir } from '../../../fixtures/onnx/zipformer-v1';
import type * as onnxProto from 'onnx-proto';

const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof onnxProto;

/** Copies an ONNX file with its metadata_props edited. */
function withMetadata(src: string, dst: string, edit: (m: Record<string, string>) => void): string {
  const model = onnx.ModelProto.decode(readFileSync(src));
  const meta: Record<string, string> = {};
  for (const p of model.metadataProps) meta[p.key!] = p.value!;
  edit(meta);
  model.metadataProps = Object.entries(meta).map(([key, value]) =>
    onnx.StringStringEntryProto.create({ key, value }),
  );
  writeFileSync(dst, onnx.ModelProto.encode(model).finish());
  return dst;
}

/**
 * Integration through onnxruntime with the toolkit stubs (MODELS.md §9.2). The encoder stub's
 * channel 0 is the mean of feature frame 4t (+1000 if any state is not threaded back), the decoder
 * stub adds w0·y[0] + w1·y[1], and the affine joiner's argmax is the token id nearest to
 * 4·sum + 40 (silence → blank, any broken state → 499 'TF'). So the expected greedy output can be
 * computed independently from computeFbank over the padded signal.
 */

const SR = 16000;
const TAIL = Math.round(0.66 * SR); // the engine's default tail padding (§3.5)

/** Deterministic noise bursts whose loudness changes every 0.25 s, so token ids vary. */
function speechLike(seconds: number, seed = 1): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const out = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < out.length; i++) {
    const block = Math.floor(i / (SR / 4));
    const amp = block % 3 === 2 ? 0 : 0.05 * (1 + (block % 5));
    out[i] = amp * rand();
  }
  return out;
}

/** Independent model of chunking (§3.5) + greedy (§3.8) over the stubs with decoder weights [0, 0]. */
function expectedTokens(audio: Float32Array, T: number, shift: number): { id: number; frame: number }[] {
  const signal = new Float32Array(audio.length + TAIL);
  signal.set(audio);
  const f = computeFbank(signal, FBANK_PRESETS.zipformer);
  const out: { id: number; frame: number }[] = [];
  let frame = 0;
  for (let np = 0; np + T < f.numFrames; np += shift) {
    for (let t = 0; t < 8; t++, frame++) {
      const row = f.data.subarray((np + 4 * t) * 80, (np + 4 * t + 1) * 80);
      const v = row.reduce((a, b) => a + b, 0) / 80;
      const id = Math.min(499, Math.max(0, Math.round(4 * v + 40)));
      if (id !== 0 && id !== 2) out.push({ id, frame });
    }
  }
  return out;
}

const files = (d: { encoder: string; decoder: string; joiner: string; tokens: string }) => ({
  encoder: d.encoder,
  decoder: d.decoder,
  joiner: d.joiner,
  tokens: d.tokens,
});

/** Expected words: the stub vocabulary's pieces, special symbols dropped, split at ▁. */
function textOf(r: ZipformerRecognizer, tokens: { id: number }[]): string {
  return tokens
    .map(({ id }) => r.model.tokens.symbols[id]!)
    .filter((sym) => !sym.startsWith('<'))
    .join('')
    .replace(/\u2581/g, ' ')
    .trim();
}

const recognizers: ZipformerRecognizer[] = [];
async function recognizer(...args: Parameters<typeof createZipformerRecognizer>) {
  const r = await createZipformerRecognizer(...args);
  recognizers.push(r);
  return r;
}
afterAll(async () => {
  await Promise.all(recognizers.map((r) => r.dispose()));
});

describe('streaming Zipformer2 through onnxruntime stubs', () => {
  it('threads all 98 states by name across 100+ chunks and decodes exactly the expected tokens', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    expect(r.chunkSamples).toBe(32 * 160);
    const audio = speechLike(33); // 100+ encoder calls of 320 ms
    const s = r.createStream();
    for (let i = 0; i < audio.length; i += 3000) await s.acceptWaveform(audio.subarray(i, i + 3000));
    expect(s.encoderCalls).toBeGreaterThanOrEqual(100);
    const lens = s.encoderStates.get('processed_lens')!;
    expect(lens.type).toBe('int64');
    expect((lens.data as BigInt64Array)[0]).toBe(BigInt(16 * s.encoderCalls));

    const final = await s.finalize();
    const expected = expectedTokens(audio, 45, 32);
    expect(expected.length).toBeGreaterThan(200);
    // A state not fed back would add >= 1000 and produce token 499.
    expect(final.words.every((w) => !w.text.includes('TF'))).toBe(true);
    expect(final.text).toBe(textOf(r, expected));
    // Word times: first token frame × 40 ms.
    expect(final.words[0]!.startMs).toBe(expected[0]!.frame * 40);
    for (const w of final.words) {
      expect(w.confidence).toBeGreaterThan(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
      expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
      expect(w.endMs).toBeLessThanOrEqual((audio.length / SR) * 1000);
    }
  }, 60_000);

  it('the threading check has teeth: zeroing one state mid-stream garbles the output', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    const s = r.createStream();
    const audio = speechLike(3);
    await s.acceptWaveform(audio.subarray(0, SR));
    const bad = s.encoderStates.get('cached_val2_9')!;
    s.encoderStates.set('cached_val2_9', new ort.Tensor('float32', new Float32Array(bad.size), bad.dims));
    await s.acceptWaveform(audio.subarray(SR));
    const partial = s.partial().text;
    expect(partial).toMatch(/TF/); // id 499 = 'TF' in the stub vocabulary
  });

  it('finalize flushes the tail: the last words appear only after padding, and nothing is lost', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    const s = r.createStream();
    // Loud until the very end (the last 0.25 s block is noise): the last ~0.5 s cannot be decoded
    // without tail padding, since a chunk needs T + 1 frames.
    const audio = speechLike(2, 3);
    await s.acceptWaveform(audio);
    const before = s.partial();
    const final = await s.finalize();
    const expected = expectedTokens(audio, 45, 32);
    expect(final.text.length).toBeGreaterThan(before.text.length + 5);
    expect(final.text.startsWith(before.text)).toBe(true);
    expect(final.text).toBe(textOf(r, expected));
    // The last token comes from the last real frames (within the final 0.5 s).
    const lastFrame = expected.at(-1)!.frame;
    expect(lastFrame * 40).toBeGreaterThan(2000 - 500);
  });

  it('continues after finalize with the encoder states and times relative to the stream start', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    const s = r.createStream();
    const a = speechLike(2, 7);
    const b = speechLike(2, 9);
    await s.acceptWaveform(a);
    const first = await s.finalize();
    const callsAfterFirst = s.encoderCalls;
    await s.acceptWaveform(b);
    const second = await s.finalize();
    expect(s.encoderCalls).toBeGreaterThan(callsAfterFirst); // states carried, not reset
    const expectedB = expectedTokens(b, 45, 32);
    expect(second.text).toBe(textOf(r, expectedB));
    expect(second.words[0]!.startMs).toBe(2000 + expectedB[0]!.frame * 40);
    expect(first.words.length).toBeGreaterThan(0);
    // A new segment starts empty.
    expect(s.partial().words).toEqual([]);
    s.reset();
    expect(s.encoderCalls).toBe(0);
  });

  it('starts zipformer2 with [-1, 0]: a decoder that penalises y[0] = -1 suppresses everything', async () => {
    // decoder_out = 100·y[0]: from [-1, 0] the joiner sees v − 100 → blank; from [0, 0] it would not.
    const r = await recognizer(files(zipformer2StubDir({ decoder: { weights: [100, 0] } })));
    const s = r.createStream();
    await s.acceptWaveform(speechLike(2));
    expect((await s.finalize()).words).toEqual([]);
  });

  it('beam search and hotwords run through the sessions (batched decoder/joiner)', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    const audio = speechLike(3);
    const greedy = r.createStream();
    await greedy.acceptWaveform(audio);
    const g = await greedy.finalize();
    const beam = r.createStream({ method: 'modified_beam_search', maxActivePaths: 4 });
    await beam.acceptWaveform(audio);
    const b = await beam.finalize();
    expect(b.text).toBe(g.text); // the stub's logits are sharp: no close calls
    const hot = r.createStream({ hotwords: ['ZZZQQQ', 'MEDIUM'] });
    await hot.acceptWaveform(audio);
    expect((await hot.finalize()).text).toBe(g.text);
  });
});

describe('stream lifecycle', () => {
  it('reset() during a pending acceptWaveform drops that work and leaves a fresh stream', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    const s = r.createStream();
    const pending = s.acceptWaveform(speechLike(2));
    s.reset();
    await pending;
    expect(s.encoderCalls).toBe(0);
    expect(s.partial().words).toEqual([]);
    const audio = speechLike(2, 11);
    await s.acceptWaveform(audio);
    expect((await s.finalize()).text).toBe(textOf(r, expectedTokens(audio, 45, 32)));
  });

  it('the vocabulary setting switches streams to beam search and reports phrases it cannot tokenise', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    r.configure({ hotwords: ['MEDIUM :2.0', 'ÆØÅ'] });
    const s = r.createStream();
    expect(r.skippedHotwords).toEqual(['ÆØÅ']);
    expect(s.searchMethod).toBe('modified_beam_search');
    expect(r.createStream({ hotwords: [] }).searchMethod).toBe('greedy');
    const audio = speechLike(2);
    await s.acceptWaveform(audio);
    // Sharp stub logits leave no close call for the bias to flip.
    expect((await s.finalize()).text).toBe(textOf(r, expectedTokens(audio, 45, 32)));
  });
});

describe('endpoint rules (sherpa EndpointConfig defaults, §3.5)', () => {
  it('rule 1: 2.4 s of trailing blanks with nothing decoded; rule 2: 1.2 s after speech', async () => {
    const r = await recognizer(files(zipformer2StubDir()));
    const quiet = r.createStream();
    await quiet.acceptWaveform(new Float32Array(SR * 2));
    expect(quiet.isEndpoint()).toBe(false);
    await quiet.acceptWaveform(new Float32Array(SR));
    expect(quiet.isEndpoint()).toBe(true);

    const spoken = r.createStream();
    const loud = speechLike(0.5, 5); // one loud 0.25 s block, one quieter one
    await spoken.acceptWaveform(loud);
    await spoken.acceptWaveform(new Float32Array(SR));
    expect(spoken.partial().text).not.toBe('');
    expect(spoken.isEndpoint()).toBe(false);
    await spoken.acceptWaveform(new Float32Array(SR));
    expect(spoken.isEndpoint()).toBe(true);
    // After finalize the new segment starts without trailing blanks.
    await spoken.finalize();
    expect(spoken.isEndpoint()).toBe(false);
  });
});

describe('v1 zipformer layout (§3.6) through stubs', () => {
  it('feeds the grouped states with int64 cached_len and T = 39 through 40 chunks', async () => {
    const r = await recognizer(files(zipformerV1StubDir()));
    expect(r.model.layout.kind).toBe('zipformer');
    const s = r.createStream();
    const audio = speechLike(13);
    await s.acceptWaveform(audio);
    const final = await s.finalize();
    expect(s.encoderCalls).toBeGreaterThanOrEqual(40);
    const len = s.encoderStates.get('cached_len_3')!;
    expect(len.type).toBe('int64');
    expect(Array.from(len.data as BigInt64Array)).toEqual([BigInt(s.encoderCalls), BigInt(s.encoderCalls)]);
    expect(final.text).toBe(textOf(r, expectedTokens(audio, 39, 32)));
  });

  it("starts from [0, 0]: with decoder_out = 100·y[0] the first two tokens are the audio's", async () => {
    // From [0, 0] the first two decoder contexts ([0, 0], [0, k1]) are neutral; the zipformer2 start
    // [-1, 0] would suppress everything (see the zipformer2 test above).
    const r = await recognizer(files(zipformerV1StubDir({ decoder: { weights: [100, 0] } })));
    const s = r.createStream();
    const audio = speechLike(2);
    await s.acceptWaveform(audio);
    const final = await s.finalize();
    const expected = expectedTokens(audio, 39, 32).slice(0, 2);
    expect(final.text.replace(/ /g, '').startsWith(textOf(r, expected).replace(/ /g, ''))).toBe(true);
  });
});

describe('wrong or missing model files', () => {
  const dir = zipformer2StubDir();
  const tmp = mkdtempSync(join(tmpdir(), 'zipformer-bad-'));

  it('names a missing file', async () => {
    const missing = join(tmp, 'nope', 'encoder.onnx');
    await expect(createZipformerRecognizer({ ...files(dir), encoder: missing })).rejects.toThrow(
      new RegExp(`${missing}: model file not found`),
    );
  });

  it('names a file that is not an ONNX model', async () => {
    const junk = join(tmp, 'junk.onnx');
    writeFileSync(junk, 'not a model at all');
    const err = await createZipformerRecognizer({ ...files(dir), decoder: junk }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZipformerModelError);
    expect((err as ZipformerModelError).file).toBe(junk);
  });

  it('rejects a decoder given as the joiner, and an encoder from another family, naming inputs', async () => {
    await expect(createZipformerRecognizer({ ...files(dir), joiner: dir.decoder })).rejects.toThrow(
      /joiner.*missing input\(s\) 'encoder_out', 'decoder_out'/,
    );
    const v1 = zipformerV1StubDir();
    // A zipformer2 encoder file whose metadata says v1 would be fed the wrong states.
    await expect(createZipformerRecognizer({ ...files(dir), encoder: v1.decoder })).rejects.toThrow(
      /metadata key 'model_type' is missing/,
    );
  });

  it('rejects a tokens.txt of another size than vocab_size', async () => {
    const sub = join(tmp, 'small');
    mkdirSync(sub, { recursive: true });
    const tokens = join(sub, 'tokens.txt');
    writeFileSync(tokens, '<blk> 0\n<sos/eos> 1\n<unk> 2\n');
    await expect(createZipformerRecognizer({ ...files(dir), tokens })).rejects.toThrow(
      /tokens.txt: has 3 tokens but the decoder's vocab_size is 500/,
    );
  });

  it('names the file and the key when encoder metadata is missing or contradicts the graph', async () => {
    const noHeads = withMetadata(dir.encoder, join(tmp, 'no-heads.onnx'), (m) => delete m.num_heads);
    await expect(createZipformerRecognizer({ ...files(dir), encoder: noHeads })).rejects.toThrow(
      new RegExp(`${noHeads}: metadata key 'num_heads' is missing`),
    );
    const wrongLeft = withMetadata(dir.encoder, join(tmp, 'left-64.onnx'), (m) => {
      m.left_context_len = '64,32,16,8,16,32';
    });
    await expect(createZipformerRecognizer({ ...files(dir), encoder: wrongLeft })).rejects.toThrow(
      /left-64.onnx: state cached_key_0 has shape \[128, N, 128\] but the metadata gives \[64, N, 128\]/,
    );
    const wrongT = withMetadata(dir.encoder, join(tmp, 't-39.onnx'), (m) => {
      m.T = '39';
    });
    await expect(createZipformerRecognizer({ ...files(dir), encoder: wrongT })).rejects.toThrow(
      /input x takes 45 frames but metadata T is 39/,
    );
  });
});
