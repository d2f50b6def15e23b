import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOnnxInfo } from '../../../../main/models/onnx-metadata';
import {
  parseWhisperMetadata,
  whisperFilesIn,
  WhisperRecognizer,
} from '../../../../main/engines/asr/whisper';
import { readWav16 } from '../../../fixtures/dsp/load';

/**
 * Real sherpa Whisper .en exports. MODELS.md §5 publishes no reference transcripts, so this is not a
 * golden test: it checks what §5.3 / §11.5 list as UNCONFIRMED (the special-token ids were computed
 * from the tokenizer, not read from the files) and that the sample WAV decodes to confident text that
 * ends with eot. Runs when sherpa-onnx-whisper-tiny.en or -base.en is under $VERBATIM_REAL_MODELS_DIR
 * (or ~/.config/Verbatim/models); skipped with a message otherwise.
 */

const MODELS = ['tiny.en', 'base.en'];

function find(): { dir: string; name: string } | null {
  const roots = [process.env.VERBATIM_REAL_MODELS_DIR, join(homedir(), '.config', 'Verbatim', 'models')];
  for (const root of roots) {
    if (!root) continue;
    for (const name of MODELS) {
      for (const dir of [join(root, `sherpa-onnx-whisper-${name}`), root]) {
        if (existsSync(join(dir, `${name}-tokens.txt`))) return { dir, name };
      }
    }
  }
  return null;
}

const found = find();
if (!found) {
  console.info(
    '[real-model] Whisper: skipped, no sherpa-onnx-whisper-tiny.en or -base.en found. Set ' +
      'VERBATIM_REAL_MODELS_DIR to a folder holding one to check the §5.3 token ids on real files.',
  );
}

describe.skipIf(!found)(`real Whisper ${found?.name ?? '.en'} (MODELS.md §5.3, §11.5)`, () => {
  it('has the §5.3 English-only token ids and a 50256-line tokens file', async () => {
    const files = await whisperFilesIn(found!.dir, found!.name);
    const meta = parseWhisperMetadata(await readOnnxInfo(files.encoder));
    expect(meta).toMatchObject({
      isMultilingual: false,
      nVocab: 51864,
      nTextCtx: 448,
      nMels: 80,
      eot: 50256,
      sot: 50257,
      sotSequence: [50257],
      translate: 50357,
      transcribe: 50358,
      sotLm: 50359,
      sotPrev: 50360,
      noSpeech: 50361,
      noTimestamps: 50362,
      blankId: 220,
    });
    expect(readFileSync(files.tokens, 'utf8').trimEnd().split('\n')).toHaveLength(50256);
  });

  it('decodes test_wavs/0.wav to confident text ending in eot', async () => {
    const wavPath = join(found!.dir, 'test_wavs', '0.wav');
    if (!existsSync(wavPath)) {
      console.info(`[real-model] Whisper: ${wavPath} not found; decode check not run`);
      return;
    }
    const { samples } = readWav16(wavPath);
    const r = await WhisperRecognizer.load(await whisperFilesIn(found!.dir, found!.name));
    try {
      const out = await r.decodeDetailed(samples);
      expect(out.stop).toBe('eot');
      expect(out.dropped).toBeNull();
      expect(out.noSpeechProb).toBeLessThan(0.5);
      expect(out.avgLogProb).toBeGreaterThan(-1);
      expect(out.hypothesis.words.length).toBeGreaterThan(3);
      expect(out.hypothesis.words.at(-1)!.endMs).toBeCloseTo((samples.length / 16000) * 1000, 3);
    } finally {
      await r.dispose();
    }
  });
});
