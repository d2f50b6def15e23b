import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SenseVoiceRecognizer } from '../../../../main/engines/asr/sensevoice';
import { readWav16 } from '../../../fixtures/dsp/load';

/**
 * Acceptance test against the real SenseVoice-Small (MODELS.md §4.5 golden outputs from the sherpa docs):
 * test_wavs/en.wav and zh.wav shipped with the model. Runs when a model directory is found under
 * $VERBATIM_REAL_MODELS_DIR (or ~/.config/Verbatim/models); skipped with a message otherwise.
 * The without-ITN goldens were produced with the int8 model, the with-ITN ones with fp32 (§4.5), so
 * each runs only with the file it was produced with.
 */

const NAMES = [
  'sherpa-onnx-sense-voice-zh-en-ja-ko-yue-int8-2024-07-17',
  'sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17',
];

function findDir(file: string): string | null {
  const roots = [process.env.VERBATIM_REAL_MODELS_DIR, join(homedir(), '.config', 'Verbatim', 'models')];
  for (const root of roots) {
    if (!root) continue;
    for (const dir of [...NAMES.map((n) => join(root, n)), root]) {
      if (
        existsSync(join(dir, file)) &&
        existsSync(join(dir, 'tokens.txt')) &&
        existsSync(join(dir, 'test_wavs', 'en.wav'))
      )
        return dir;
    }
  }
  return null;
}

const int8Dir = findDir('model.int8.onnx');
const fp32Dir = findDir('model.onnx');
if (!int8Dir || !fp32Dir) {
  console.info(
    `[real-model] SenseVoice: ${int8Dir ? '' : 'model.int8.onnx '}${fp32Dir ? '' : 'model.onnx '}not found; ` +
      `set VERBATIM_REAL_MODELS_DIR to a folder holding ${NAMES.join(' or ')} ` +
      '(model, tokens.txt, test_wavs/{en,zh}.wav) to run the §4.5 acceptance tests.',
  );
}

const wav = (dir: string, name: string) => {
  const { samples, sampleRate } = readWav16(join(dir, 'test_wavs', name));
  expect(sampleRate).toBe(16000);
  return samples;
};

describe.skipIf(!int8Dir)('real SenseVoice int8, use_itn = 0 (MODELS.md §4.5 golden outputs)', () => {
  it('en.wav: <|en|> <|NEUTRAL|> <|Speech|>, the golden text and token timestamps', async () => {
    const dir = int8Dir!;
    const r = await SenseVoiceRecognizer.load(
      { model: join(dir, 'model.int8.onnx'), tokens: join(dir, 'tokens.txt') },
      { useItn: false },
    );
    try {
      const out = await r.decodeDetailed(wav(dir, 'en.wav'));
      expect([out.lang, out.emotion, out.event]).toEqual(['<|en|>', '<|NEUTRAL|>', '<|Speech|>']);
      expect(out.itn).toBe('<|woitn|>');
      expect(out.hypothesis.text).toBe(
        'the tribal chieftain called for the boy and presented him with fifty pieces of gold',
      );
      // Golden token times 0.90, 1.26, 1.56, 1.80, 2.16 s. The goldens predate sherpa's FunASR-style LFR
      // left padding (§4.4), which can move a token by one LFR frame (60 ms).
      const times = out.tokens.slice(0, 5).map((t) => t.timeMs);
      [900, 1260, 1560, 1800, 2160].forEach((golden, i) =>
        expect(Math.abs(times[i]! - golden)).toBeLessThanOrEqual(60),
      );
      expect(out.hypothesis.language).toBe('en');
      expect(out.hypothesis.emotion?.label).toBe('neutral');
    } finally {
      await r.dispose();
    }
  });

  it('zh.wav: 开饭时间早上九点至下午五点', async () => {
    const dir = int8Dir!; // zh.wav ships with the model (§4.1)
    const r = await SenseVoiceRecognizer.load(
      { model: join(dir, 'model.int8.onnx'), tokens: join(dir, 'tokens.txt') },
      { useItn: false },
    );
    try {
      expect((await r.decode(wav(dir, 'zh.wav'))).text).toBe('开饭时间早上九点至下午五点');
    } finally {
      await r.dispose();
    }
  });
});

describe.skipIf(!fp32Dir)('real SenseVoice fp32, use_itn = 1 (MODELS.md §4.5 golden outputs)', () => {
  it('en.wav and zh.wav with ITN', async () => {
    const dir = fp32Dir!;
    const r = await SenseVoiceRecognizer.load(
      { model: join(dir, 'model.onnx'), tokens: join(dir, 'tokens.txt') },
      { useItn: true },
    );
    try {
      expect((await r.decode(wav(dir, 'en.wav'))).text).toBe(
        'The tribal chieftain called for the boy and presented him with 50 pieces of gold.',
      );
      expect((await r.decode(wav(dir, 'zh.wav'))).text).toBe('开放时间早上9点至下午5点。');
    } finally {
      await r.dispose();
    }
  });
});
