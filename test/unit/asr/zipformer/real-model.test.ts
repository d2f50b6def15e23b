import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, modelsDirFor } from '../../../../main/backend/data-dir';
import { createZipformerRecognizer, type ZipformerRecognizer } from '../../../../main/engines/asr/zipformer';

/**
 * Acceptance test against the real sherpa-onnx-streaming-zipformer-en-2023-06-26 (MODELS.md §3.1):
 * the golden greedy output of test_wavs/0.wav shipped in the archive. Runs when the model directory
 * is under $VERBATIM_REAL_MODELS_DIR (or the app's models folder, modelsDirFor(defaultDataDir())); skipped
 * with a message otherwise.
 */

const MODEL = 'sherpa-onnx-streaming-zipformer-en-2023-06-26';
const BASE = 'epoch-99-avg-1-chunk-16-left-128';
const GOLDEN =
  'AFTER EARLY NIGHTFALL THE YELLOW LAMPS WOULD LIGHT UP HERE AND THERE THE SQUALID QUARTER OF THE BROTHELS';

function findModelDir(): string | null {
  const roots = [process.env.VERBATIM_REAL_MODELS_DIR, modelsDirFor(defaultDataDir())];
  for (const root of roots) {
    if (!root) continue;
    for (const dir of [join(root, MODEL), root]) {
      if (existsSync(join(dir, 'tokens.txt')) && existsSync(join(dir, 'test_wavs', '0.wav'))) return dir;
    }
  }
  return null;
}

/** 16-bit PCM mono WAV → float [-1, 1] (the sherpa test_wavs format). */
function readWav16(path: string): Float32Array {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path}: not a WAV file`);
  }
  let pos = 12;
  let format: { channels: number; rate: number; bits: number } | null = null;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      format = {
        channels: buf.readUInt16LE(pos + 10),
        rate: buf.readUInt32LE(pos + 12),
        bits: buf.readUInt16LE(pos + 22),
      };
    } else if (id === 'data') {
      if (!format || format.channels !== 1 || format.rate !== 16000 || format.bits !== 16) {
        throw new Error(`${path}: expected 16 kHz mono 16-bit PCM, got ${JSON.stringify(format)}`);
      }
      const n = Math.floor(size / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(pos + 8 + 2 * i) / 32768;
      return out;
    }
    pos += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

const dir = findModelDir();
if (!dir) {
  console.info(
    `[real-model] skipped: ${MODEL} not found. Set VERBATIM_REAL_MODELS_DIR to a folder holding it ` +
      '(encoder/decoder/joiner, tokens.txt, test_wavs/0.wav) to run the §3.1 acceptance test.',
  );
}

describe.skipIf(!dir)(`real ${MODEL} (MODELS.md §3.1 golden output)`, () => {
  const recognizers: ZipformerRecognizer[] = [];
  afterAll(async () => {
    await Promise.all(recognizers.map((r) => r.dispose()));
  });
  const fp32 = dir !== null && existsSync(join(dir, `encoder-${BASE}.onnx`));
  const file = (kind: string) => {
    const plain = join(dir!, `${kind}-${BASE}.onnx`);
    return existsSync(plain) ? plain : join(dir!, `${kind}-${BASE}.int8.onnx`);
  };

  it('greedy on test_wavs/0.wav gives the golden text, 39 tokens and the golden timestamps', async () => {
    const r = await createZipformerRecognizer({
      encoder: file('encoder'),
      decoder: file('decoder'),
      joiner: file('joiner'),
      tokens: join(dir!, 'tokens.txt'),
    });
    recognizers.push(r);
    const audio = readWav16(join(dir!, 'test_wavs', '0.wav'));
    const s = r.createStream();
    // Feed in 100 ms pieces, as a live pipeline would.
    for (let i = 0; i < audio.length; i += 1600) await s.acceptWaveform(audio.subarray(i, i + 1600));
    const final = await s.finalize();
    expect(final.text).toBe(GOLDEN);
    if (!fp32) return; // the golden tokens/timestamps are for the fp32 files
    const tokens = s.lastFinalTokens!;
    expect(tokens.ids).toHaveLength(39);
    expect(tokens.frames.slice(0, 5).map((f) => Number((f * 0.04).toFixed(2)))).toEqual([
      0.68, 1.04, 1.16, 1.24, 1.6,
    ]);
    const symbols = tokens.ids.slice(0, 5).map((id) => r.model.tokens.symbols[id]!.replace('\u2581', ' '));
    expect(symbols).toEqual([' AFTER', ' E', 'AR', 'LY', ' NIGHT']);
    expect(final.words.slice(0, 3).map((w) => [w.text, w.startMs])).toEqual([
      ['AFTER', 680],
      ['EARLY', 1040],
      ['NIGHTFALL', 1600],
    ]);
  }, 120_000);
});
