import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { applyCmvn, applyLfr, computeFbank, FBANK_PRESETS } from '../../../../main/dsp';
import {
  AsrModelError,
  argmaxRow,
  convertSenseVoiceResult,
  ctcGreedy,
  senseVoiceFilesIn,
  SenseVoiceRecognizer,
  type OrtSession,
} from '../../../../main/engines/asr/sensevoice';
import { parseTokens } from '../../../../main/engines/asr/tokens';
import {
  senseVoiceCmvn,
  senseVoiceStubDir,
  senseVoiceTokenList,
  SENSE_VOICE_SPECIAL_TOKENS,
  tokensTxt,
  whisperTinyEnStubDir,
} from '../../../fixtures/onnx';

const S = SENSE_VOICE_SPECIAL_TOKENS;
const sine = (seconds: number, hz = 440, amp = 0.1) =>
  Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / 16000),
  );

interface Recorded {
  feeds: Record<string, Tensor>[];
}

/**
 * Wraps the stub session: records every feed, and (when `ids` is given) writes ids[t] into feature 0 of
 * LFR frame t *after* our front-end, so the stub's text rows decode to a scripted token sequence.
 */
function seam(recorded: Recorded, ids?: readonly number[]) {
  return (session: OrtSession): OrtSession => ({
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    release: () => session.release(),
    run: ((feeds: Record<string, Tensor>) => {
      recorded.feeds.push({ ...feeds });
      if (ids) {
        const x = feeds['x']!;
        const data = Float32Array.from(x.data as Float32Array);
        const frames = Number(x.dims[1]);
        for (let t = 0; t < frames; t++) data[t * 560] = ids[t] ?? 0;
        feeds = { ...feeds, x: new (x.constructor as typeof Tensor)('float32', data, x.dims) };
      }
      return session.run(feeds);
    }) as OrtSession['run'],
  });
}

describe('CTC greedy search (MODELS.md §4.5)', () => {
  const V = 6;
  const rows = (ids: number[], peak = 5) => {
    const logits = new Float32Array(ids.length * V);
    ids.forEach((id, t) => (logits[t * V + id] = peak));
    return logits;
  };

  it('collapses repeats, drops blanks, keeps a repeat separated by blank', () => {
    const tokens = ctcGreedy(rows([0, 3, 3, 0, 3, 4, 4, 0, 0, 5]), V, 0, 0, 10);
    expect(tokens.map((t) => [t.id, t.frame, t.lastFrame])).toEqual([
      [3, 1, 2],
      [3, 4, 4],
      [4, 5, 6],
      [5, 9, 9],
    ]);
  });

  it('continues the run of the row before startRow (sherpa decodes all rows)', () => {
    expect(ctcGreedy(rows([2, 2, 1]), V, 0, 0, 3, 2).map((t) => t.id)).toEqual([1]);
    expect(ctcGreedy(rows([2, 2, 1]), V, 0, 0, 3, 4).map((t) => t.id)).toEqual([2, 1]);
  });

  it('gives each token the log-softmax of the frame that emitted it (logits are raw)', () => {
    const logits = Float32Array.of(1, 2, 3, 0, 0, 0, 0, 0, 0, 4, 0, 0);
    const { id, logProb } = argmaxRow(logits, 0, V);
    const expected = 3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + 3);
    expect(id).toBe(2);
    expect(logProb).toBeCloseTo(expected, 6);
    const [token] = ctcGreedy(logits, V, 0, 0, 2);
    expect(token!.logProb).toBeCloseTo(expected, 6);
  });
});

describe('SenseVoice words (punctuation-aware, ▁ boundaries)', () => {
  const table = parseTokens(
    [
      '<unk> 0',
      '▁the 1',
      '▁tri 2',
      'bal 3',
      ', 4',
      '▁chief 5',
      '. 6',
      '开 7',
      '饭 8',
      '。 9',
      '<|en|> 10',
      '<|NEUTRAL|> 11',
      '<|Speech|> 12',
      '<|woitn|> 13',
      '▁ 14',
      '“ 15',
      '▁go 16',
    ].join('\n'),
  );
  const tok = (id: number, frame: number, lastFrame = frame, logProb = -0.1) => ({
    id,
    frame,
    lastFrame,
    logProb,
  });
  const special = [10, 11, 12, 13].map((id) => ({ id, prob: 0.9 }));
  const opts = { table, languages: ['auto', 'en', 'zh', 'nospeech'], frameMs: 60, durationMs: 10_000 };

  it('joins BPE pieces into words, attaches punctuation to the word before it', () => {
    const r = convertSenseVoiceResult(
      special,
      [tok(1, 4), tok(2, 6), tok(3, 7, 8, -2), tok(4, 9, 9, -5), tok(5, 11), tok(6, 13)],
      opts,
    );
    expect(r.hypothesis.text).toBe('the tribal, chief.');
    expect(r.hypothesis.words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
      ['the', 0, 60],
      ['tribal,', 120, 300],
      ['chief.', 420, 480],
    ]);
    // min rule over the word's pieces; the comma's low score rates the ITN, not the word.
    expect(r.hypothesis.words[1]!.confidence).toBeCloseTo(Math.exp(-2), 6);
  });

  it('makes each Han piece a word and joins them without spaces', () => {
    const r = convertSenseVoiceResult(special, [tok(7, 4), tok(8, 5), tok(9, 6), tok(1, 7)], opts);
    expect(r.hypothesis.words.map((w) => w.text)).toEqual(['开', '饭。', 'the']);
    expect(r.hypothesis.text).toBe('开饭。the');
  });

  it('gives opening quotes and a bare ▁ to the next word', () => {
    const r = convertSenseVoiceResult(special, [tok(1, 4), tok(14, 5), tok(15, 6), tok(16, 7)], opts);
    expect(r.hypothesis.words.map((w) => w.text)).toEqual(['the', '“go']);
    expect(r.hypothesis.text).toBe('the “go');
  });

  it('reads language, emotion (with its probability), event and ITN from the four query rows', () => {
    const r = convertSenseVoiceResult(
      [
        { id: 10, prob: 0.8 },
        { id: 11, prob: 0.7 },
        { id: 12, prob: 0.6 },
        { id: 13, prob: 0.9 },
      ],
      [],
      opts,
    );
    expect(r.hypothesis).toMatchObject({
      language: 'en',
      emotion: { label: 'neutral', score: 0.7 },
      events: ['Speech'],
    });
    expect([r.lang, r.emotion, r.event, r.itn]).toEqual(['<|en|>', '<|NEUTRAL|>', '<|Speech|>', '<|woitn|>']);
  });
});

describe('SenseVoiceRecognizer with the §9.3 stub', () => {
  it('feeds x = CMVN(LFR 7/6(fbank(PCM × 32768))) as float32 [1,T,560] and int32 x_length/language/text_norm', async () => {
    const rec: Recorded = { feeds: [] };
    const r = await SenseVoiceRecognizer.load(senseVoiceStubDir(), {
      wrapSession: seam(rec),
      language: 'en',
    });
    const audio = sine(1);
    await r.decode(audio);
    const feeds = rec.feeds[0]!;
    // 1 s: 98 snip-edges frames -> ceil(98 / 6) = 17 LFR frames.
    expect(feeds['x']!.type).toBe('float32');
    expect(feeds['x']!.dims).toEqual([1, 17, 560]);
    for (const name of ['x_length', 'language', 'text_norm']) {
      expect(feeds[name]!.type).toBe('int32');
      expect(feeds[name]!.dims).toEqual([1]);
    }
    expect(Array.from(feeds['x_length']!.data as Int32Array)).toEqual([17]);
    expect(Array.from(feeds['language']!.data as Int32Array)).toEqual([4]);
    expect(Array.from(feeds['text_norm']!.data as Int32Array)).toEqual([14]);

    // Independent composition from the DSP blocks.
    const fb = computeFbank(audio, FBANK_PRESETS.senseVoice);
    const expected = applyLfr(fb, 7, 6);
    const { negMean, invStddev } = senseVoiceCmvn();
    applyCmvn(expected, { negMean: Float32Array.from(negMean), invStddev: Float32Array.from(invStddev) });
    expect(Array.from(feeds['x']!.data as Float32Array)).toEqual(Array.from(expected.data));

    // Spelled out: LFR frame 0 = 3 copies of fbank frame 0 (left pad), then frames 0..3; CMVN per dim;
    // fbank of PCM × 32768 = fbank of PCM + ln(32768²) per bin.
    const unscaled = computeFbank(audio, { ...FBANK_PRESETS.senseVoice, sampleScale: 1 });
    const x = feeds['x']!.data as Float32Array;
    for (const [slot, frame] of [
      [0, 0],
      [3, 0],
      [4, 1],
      [6, 3],
    ] as const) {
      for (const b of [0, 40, 79]) {
        const d = slot * 80 + b;
        const raw = x[d]! / invStddev[d]! - negMean[d]!;
        expect(raw).toBeCloseTo(unscaled.data[frame * 80 + b]! + Math.log(32768 * 32768), 2);
      }
    }
    // LFR frame 1 starts at fbank frame 6 − 3 = 3.
    expect(x[560 + 5]! / invStddev[5]! - negMean[5]!).toBeCloseTo(fb.data[3 * 80 + 5]!, 3);
    await r.dispose();
  });

  it('decodes the query rows and CTC text with timestamps 0.06 s × (t − 4)', async () => {
    const rec: Recorded = { feeds: [] };
    // LFR frame t -> logit row t + 4. Ids: odd -> "▁w<id>", even -> "p<id>" in the stub tokens.
    const ids = [0, 101, 101, 0, 102, 0, 0, 103, 103, 103, 0, 101];
    const r = await SenseVoiceRecognizer.load(senseVoiceStubDir(), {
      wrapSession: seam(rec, ids),
      language: 'en',
      useItn: false,
    });
    const out = await r.decodeDetailed(sine(1));
    expect([out.lang, out.emotion, out.event, out.itn]).toEqual([
      '<|en|>',
      '<|NEUTRAL|>',
      '<|Speech|>',
      '<|woitn|>',
    ]);
    expect(out.tokens.map((t) => [t.piece, t.timeMs])).toEqual([
      ['▁w101', 60],
      ['p102', 240],
      ['▁w103', 420],
      ['▁w101', 660],
    ]);
    expect(out.tokens.every((t) => t.prob > 0.99)).toBe(true);
    const h = out.hypothesis;
    expect(h.text).toBe('w101p102 w103 w101');
    expect(h.words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
      ['w101p102', 60, 300],
      ['w103', 420, 600],
      ['w101', 660, 720],
    ]);
    expect(h.language).toBe('en');
    expect(h.emotion!.label).toBe('neutral');
    expect(h.emotion!.score).toBeGreaterThan(0.99);
    expect(h.emotion!.score).toBeLessThan(1);
    expect(h.events).toEqual(['Speech']);
    expect(Array.from(rec.feeds[0]!['text_norm']!.data as Int32Array)).toEqual([15]);
    await r.dispose();
  });

  it("maps the language option to the metadata ids ('auto' -> lang_auto) and reports other emotions", async () => {
    const rec: Recorded = { feeds: [] };
    const r = await SenseVoiceRecognizer.load(senseVoiceStubDir({ emotionToken: S['<|HAPPY|>']! }), {
      wrapSession: seam(rec),
    });
    const h = await r.decode(sine(0.5));
    expect(Array.from(rec.feeds[0]!['language']!.data as Int32Array)).toEqual([0]);
    expect(h.language).toBe('zh'); // the stub "detects" zh under auto
    expect(h.emotion!.label).toBe('happy');
    await r.decode(sine(0.5), { language: 'ko' });
    expect(Array.from(rec.feeds[1]!['language']!.data as Int32Array)).toEqual([12]);
    await expect(r.decode(sine(0.5), { language: 'fr' })).rejects.toThrow(
      /does not know language 'fr'.*auto, zh, en/,
    );
    await r.dispose();
  });

  it('returns nothing for audio shorter than one frame without running the model', async () => {
    const rec: Recorded = { feeds: [] };
    const r = await SenseVoiceRecognizer.load(senseVoiceStubDir(), { wrapSession: seam(rec) });
    expect(await r.decode(new Float32Array(399))).toEqual({ text: '', words: [] });
    expect(rec.feeds).toHaveLength(0);
    await expect(r.decode(new Float32Array(r.maxSamples + 1))).rejects.toThrow(/exceeds the 30 s limit/);
    await r.dispose();
  });
});

describe('SenseVoice model files', () => {
  it('warns about a QInt8 (metadata version 1) export, naming the file', async () => {
    const stub = senseVoiceStubDir({ metadata: { version: '1' } });
    const r = await SenseVoiceRecognizer.load(stub);
    expect(r.warnings).toEqual([expect.stringContaining(`${stub.model} is a QInt8 export`)]);
    await r.dispose();
    const ok = await SenseVoiceRecognizer.load(senseVoiceStubDir());
    expect(ok.warnings).toEqual([]);
    await ok.dispose();
  });

  const dir = () => mkdtempSync(join(tmpdir(), 'verbatim-sv-'));

  it('names the missing model or tokens file', async () => {
    const d = dir();
    await expect(senseVoiceFilesIn(d)).rejects.toThrow(join(d, 'model.int8.onnx'));
    const { model } = senseVoiceStubDir();
    const tokens = join(d, 'tokens.txt');
    const err = await SenseVoiceRecognizer.load({ model, tokens }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AsrModelError);
    expect((err as AsrModelError).code).toBe('MODEL_MISSING');
    expect((err as AsrModelError).message).toContain(tokens);
  });

  it('finds model.int8.onnx and tokens.txt in a directory', async () => {
    const stub = senseVoiceStubDir();
    expect(await senseVoiceFilesIn(stub.dir)).toEqual({ model: stub.model, tokens: stub.tokens });
  });

  it('rejects a tokens file of another model, naming it', async () => {
    const tokens = join(dir(), 'tokens.txt');
    writeFileSync(tokens, tokensTxt(senseVoiceTokenList().slice(0, 500)));
    await expect(SenseVoiceRecognizer.load({ model: senseVoiceStubDir().model, tokens })).rejects.toThrow(
      new RegExp(`${tokens.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has 500 tokens but .* vocab_size 25055`),
    );
  });

  it('rejects a model that is not a SenseVoice export (the Whisper encoder), naming the file and key', async () => {
    const wrong = whisperTinyEnStubDir().encoder;
    await expect(
      SenseVoiceRecognizer.load({ model: wrong, tokens: senseVoiceStubDir().tokens }),
    ).rejects.toThrow(`${wrong}: metadata key 'lfr_window_size' is missing`);
  });

  it('rejects a file that is not ONNX at all, naming it', async () => {
    const model = join(dir(), 'model.onnx');
    writeFileSync(model, 'this is not a model');
    await expect(SenseVoiceRecognizer.load({ model, tokens: senseVoiceStubDir().tokens })).rejects.toThrow(
      model,
    );
  });
});
