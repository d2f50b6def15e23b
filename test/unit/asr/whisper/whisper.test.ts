import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { OrtSession } from '../../../../main/engines/asr/sensevoice';
import { AsrModelError } from '../../../../main/engines/asr/sensevoice';
import { whisperFilesIn, WhisperRecognizer, type WhisperOptions } from '../../../../main/engines/asr/whisper';
import { senseVoiceStubDir, whisperTinyEnStubDir, WHISPER_EN_TOKENS } from '../../../fixtures/onnx';
import { WHISPER_ML_TOKENS, whisperTinyStubDir } from '../../../fixtures/onnx/whisper-multilingual';

const T = WHISPER_EN_TOKENS;
const speech = (seconds: number) =>
  Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => 0.1 * Math.sin(i / 5));

interface Call {
  tokens: number[];
  offset: number;
  selfK0: number;
  selfV0: number;
  cacheDims: readonly number[];
  outK0: number;
}

function recordDecoder(calls: Call[]): WhisperOptions['wrapSession'] {
  return (session, role) => {
    if (role !== 'decoder') return session;
    const wrapped: OrtSession = {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      release: () => session.release(),
      run: (async (feeds: Record<string, Tensor>) => {
        const out = await session.run(feeds);
        calls.push({
          tokens: Array.from(feeds['tokens']!.data as BigInt64Array, Number),
          offset: Number((feeds['offset']!.data as BigInt64Array)[0]),
          selfK0: (feeds['in_n_layer_self_k_cache']!.data as Float32Array)[0]!,
          selfV0: (feeds['in_n_layer_self_v_cache']!.data as Float32Array)[0]!,
          cacheDims: feeds['in_n_layer_self_k_cache']!.dims,
          outK0: (out['out_n_layer_self_k_cache']!.data as Float32Array)[0]!,
        });
        expect(feeds['tokens']!.type).toBe('int64');
        expect(feeds['offset']!.type).toBe('int64');
        expect(feeds['offset']!.dims).toEqual([1]);
        return out;
      }) as OrtSession['run'],
    };
    return wrapped;
  };
}

describe('WhisperRecognizer with the tiny.en stubs (§5.3–5.5)', () => {
  it('threads the self caches and offset through every step and decodes the scripted text', async () => {
    const calls: Call[] = [];
    const r = await WhisperRecognizer.load(whisperTinyEnStubDir(), { wrapSession: recordDecoder(calls) });
    const out = await r.decodeDetailed(speech(2));
    expect(out.hypothesis.text).toBe('The quick brown fox');
    expect(out.stop).toBe('eot');
    expect(calls.map((c) => [c.tokens, c.offset])).toEqual([
      [[T.sot, T.noTimestamps], 0],
      [[464], 2],
      [[2068], 3],
      [[7586], 4],
      [[21831], 5],
    ]);
    // The stub adds 1 to each cache per call: the caches fed back are the previous outputs, by name.
    expect(calls.map((c) => [c.selfK0, c.selfV0])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(calls[0]!.cacheDims).toEqual([4, 1, 448, 384]);
    expect(out.noSpeechProb).toBeLessThan(1e-3);
    expect(out.avgLogProb).toBeGreaterThan(-0.01);
    const words = out.hypothesis.words;
    expect(words.map((w) => w.text)).toEqual(['The', 'quick', 'brown', 'fox']);
    // Character-proportional times over the 2 s segment: 3 + 5 + 5 + 3 = 16 characters.
    expect(words.map((w) => [w.startMs, w.endMs])).toEqual([
      [0, 375],
      [375, 1000],
      [1000, 1625],
      [1625, 2000],
    ]);
    expect(words.every((w) => w.confidence > 0.99)).toBe(true);
    expect(out.hypothesis.language).toBeUndefined();
    await r.dispose();
  });

  it('decodes base64 byte tokens with a multibyte character split across two tokens', async () => {
    const r = await WhisperRecognizer.load(
      whisperTinyEnStubDir({ script: [T.noTimestamps, 464, 5000, 5001, T.eot] }),
    );
    expect((await r.decode(speech(1))).text).toBe('Theé');
    await r.dispose();
  });

  it('bans eot (and blank) at the first position and specials everywhere', async () => {
    const r = await WhisperRecognizer.load(whisperTinyEnStubDir({ script: [T.noTimestamps, T.eot] }));
    const out = await r.decodeDetailed(speech(1));
    // eot is banned first, ids above it always: the nearest allowed id to the scripted eot wins.
    expect(out.tokens).toEqual([T.eot - 1]);
    expect(out.hypothesis.text).toBe(`t${T.eot - 1}`);
    await r.dispose();
  });

  it('stops a repetition loop and keeps one copy', async () => {
    const loop = Array.from({ length: 12 }, (_, i) => [464, 2068, 7586][i % 3]!);
    const r = await WhisperRecognizer.load(
      whisperTinyEnStubDir({ script: [T.noTimestamps, ...loop, T.eot] }),
    );
    const out = await r.decodeDetailed(speech(3));
    expect(out.stop).toBe('repetition');
    expect(out.hypothesis.text).toBe('The quick brown');
    await r.dispose();
  });

  it('caps the token count per second of audio', async () => {
    const endless = Array.from({ length: 300 }, (_, i) => 1000 + i);
    const r = await WhisperRecognizer.load(whisperTinyEnStubDir({ script: [T.noTimestamps, ...endless] }), {
      maxTokensPerSecond: 10,
    });
    const out = await r.decodeDetailed(speech(2.5));
    expect(out.stop).toBe('max-tokens');
    expect(out.tokens).toHaveLength(25);
    await r.dispose();
  });

  it('reads no_speech from the sot row and drops silence only when the text is not confident', async () => {
    const dir = whisperTinyEnStubDir({ script: [T.noSpeech, 464, 2068, T.eot] });
    const keep = await WhisperRecognizer.load(dir);
    const kept = await keep.decodeDetailed(speech(1));
    expect(kept.noSpeechProb).toBeGreaterThan(0.99);
    expect(kept.dropped).toBeNull(); // confident transcript (avg log-prob ≈ 0) overrides
    expect(kept.hypothesis.text).toBe('The quick');
    await keep.dispose();

    const strict = await WhisperRecognizer.load(dir, { silence: { logProbThreshold: 0.5 } });
    const dropped = await strict.decodeDetailed(speech(1));
    expect(dropped.dropped).toBe('silence');
    expect(dropped.hypothesis).toEqual({ text: '', words: [] });
    await strict.dispose();

    // Same threshold, but the model does not say "no speech": kept (both conditions are needed) …
    const speechDir = whisperTinyEnStubDir({ script: [T.noTimestamps, 464, 2068, T.eot] });
    const other = await WhisperRecognizer.load(speechDir, { silence: { logProbThreshold: 0.5 } });
    expect((await other.decodeDetailed(speech(1))).dropped).toBeNull();
    await other.dispose();
    // … unless low-log-prob segments are dropped on their own.
    const lowDrop = await WhisperRecognizer.load(speechDir, {
      silence: { logProbThreshold: 0.5 },
      lowLogProb: 'drop',
    });
    expect((await lowDrop.decodeDetailed(speech(1))).dropped).toBe('low-logprob');
    await lowDrop.dispose();
  });

  it('takes English only on .en models and refuses audio longer than 30 s', async () => {
    const r = await WhisperRecognizer.load(whisperTinyEnStubDir());
    await expect(r.decode(speech(1), { language: 'de' })).rejects.toThrow(/English-only.*'de'/);
    await expect(r.decode(new Float32Array(480_001))).rejects.toThrow(/30 s window/);
    expect(await r.decode(new Float32Array(0))).toEqual({ text: '', words: [] });
    await r.dispose();
  });
});

describe('WhisperRecognizer, multilingual stub', () => {
  const L = WHISPER_ML_TOKENS;
  const de = L.firstLanguage + 2; // en zh de …

  it('detects the language from decoder([sot]) and builds [sot, lang, transcribe, no_timestamps]', async () => {
    const calls: Call[] = [];
    // Row p of the script answers position p: row 0 (after sot) = the language, row 3 = the first word.
    const r = await WhisperRecognizer.load(whisperTinyStubDir({ script: [de, 0, 0, 464, 2068, L.eot] }), {
      wrapSession: recordDecoder(calls),
    });
    const h = await r.decode(speech(1));
    expect(h.language).toBe('de');
    expect(h.text).toBe('The quick');
    expect(calls.map((c) => [c.tokens, c.offset, c.selfK0])).toEqual([
      [[L.sot], 0, 0], // detection on fresh caches
      [[L.sot, de, L.transcribe, L.noTimestamps], 0, 0], // decoding restarts on fresh caches
      [[464], 4, 1],
      [[2068], 5, 2],
    ]);
    calls.length = 0;
    const forced = await r.decode(speech(1), { language: 'fr' });
    expect(forced.language).toBe('fr');
    expect(calls[0]!.tokens).toEqual([L.sot, L.firstLanguage + 6, L.transcribe, L.noTimestamps]);
    await expect(r.decode(speech(1), { language: 'xx' })).rejects.toThrow(/does not know language 'xx'/);
    await r.dispose();
  });
});

describe('Whisper model files', () => {
  it('finds <name>-encoder/decoder[.int8].onnx and -tokens.txt, and names what is missing', async () => {
    const stub = whisperTinyEnStubDir();
    expect(await whisperFilesIn(stub.dir, 'tiny.en')).toEqual({
      encoder: stub.encoder,
      decoder: stub.decoder,
      tokens: stub.tokens,
    });
    await expect(whisperFilesIn(stub.dir, 'base.en')).rejects.toThrow(join(stub.dir, 'base.en-encoder.onnx'));
    const err = await WhisperRecognizer.load({ ...stub, decoder: join(stub.dir, 'nope.onnx') }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AsrModelError);
    expect((err as Error).message).toContain(join(stub.dir, 'nope.onnx'));
  });

  it('rejects a tokens file of the other tokenizer, naming it', async () => {
    const en = whisperTinyEnStubDir();
    const ml = whisperTinyStubDir();
    await expect(WhisperRecognizer.load({ ...en, tokens: ml.tokens })).rejects.toThrow(
      `${ml.tokens} has 50257 tokens but ${en.encoder} has eot 50256`,
    );
  });

  it('rejects swapped files: a decoder given as encoder, a SenseVoice model as decoder', async () => {
    const en = whisperTinyEnStubDir();
    await expect(WhisperRecognizer.load({ ...en, encoder: en.decoder })).rejects.toThrow(
      `${en.decoder}: metadata key 'n_mels' is missing`,
    );
    const sv = senseVoiceStubDir().model;
    await expect(WhisperRecognizer.load({ ...en, decoder: sv })).rejects.toThrow(
      new RegExp(
        `${sv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a Whisper decoder .*lacks inputs tokens`,
      ),
    );
  });

  it('rejects a decoder whose vocabulary does not match the encoder metadata', async () => {
    const en = whisperTinyEnStubDir();
    const ml = whisperTinyStubDir();
    const r = await WhisperRecognizer.load({ ...en, decoder: ml.decoder });
    await expect(r.decode(speech(1))).rejects.toThrow(/encoder and decoder are from different models/);
    await r.dispose();
  });

  it('rejects a tokens file that is not base64, naming it', async () => {
    const en = whisperTinyEnStubDir();
    const tokens = join(mkdtempSync(join(tmpdir(), 'verbatim-wh-')), 'tiny.en-tokens.txt');
    writeFileSync(tokens, '▁the 0\n');
    await expect(WhisperRecognizer.load({ ...en, tokens })).rejects.toThrow(`${tokens}: line 1`);
  });
});
