/**
 * Conformance against an outside reference: goldens computed by torchaudio.compliance.kaldi.fbank
 * (Kaldi mel), torchaudio framing + librosa Slaney mel (Parakeet), and OpenAI's whisper/audio.py
 * algorithm in torch (Whisper). See test/fixtures/dsp/make_goldens.py.
 */
import { describe, expect, it } from 'vitest';
import { computeFbank, StreamingFbank, whisperLogMel } from '../../../main/dsp';
import { goldenSignal, loadGoldenManifest, loadGoldenValues } from '../../fixtures/dsp/load';

const TOLERANCE = 1e-3;
const manifest = loadGoldenManifest();

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('golden features', () => {
  it('covers every model configuration of MODELS.md §1.1 and both Whisper sizes', () => {
    const configs = new Set(manifest.cases.map((c) => c.name.split('.').pop()));
    for (const name of ['zipformer', 'senseVoice', 'wespeaker', 'parakeet', 'whisper80', 'whisper128']) {
      expect(configs.has(name)).toBe(true);
    }
  });

  for (const c of manifest.cases.filter((x) => x.kind === 'fbank')) {
    it(`fbank ${c.name} matches ${c.reference.split(' ').slice(0, 2).join(' ')} within ${TOLERANCE}`, () => {
      const signal = goldenSignal(c);
      const expected = loadGoldenValues(c);
      const ours = computeFbank(signal, c.options);
      expect([ours.numFrames, ours.numBins]).toEqual(c.shape);
      expect(maxAbsDiff(ours.data, expected)).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  for (const c of manifest.cases.filter((x) => x.kind === 'fbank' && x.sampleRange === null).slice(0, 4)) {
    it(`streaming ${c.name} in 20 ms chunks also matches the golden`, () => {
      const signal = goldenSignal(c);
      const fbank = new StreamingFbank(c.options);
      for (let i = 0; i < signal.length; i += 320) fbank.acceptWaveform(signal.subarray(i, i + 320));
      fbank.inputFinished();
      expect(fbank.framesReady).toBe(c.shape[0]);
      expect(maxAbsDiff(fbank.getFrames(0, fbank.framesReady), loadGoldenValues(c))).toBeLessThanOrEqual(
        TOLERANCE,
      );
    });
  }

  for (const c of manifest.cases.filter((x) => x.kind === 'whisper')) {
    it(`whisper log-mel ${c.name} matches the audio.py reference within ${TOLERANCE}`, () => {
      const bins = c.options.numMelBins as 80 | 128;
      const ours = whisperLogMel(goldenSignal(c), bins);
      expect([ours.numMelBins, ours.numFrames]).toEqual(c.shape);
      expect(maxAbsDiff(ours.data, loadGoldenValues(c))).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
